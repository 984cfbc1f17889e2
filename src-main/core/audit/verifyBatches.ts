import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { equalBytes } from '../crypto/bytes.js';
import { SyncWorker, type Slot } from '../parallel/syncWorker.js';
import { HASH_BYTES, type AuditRow } from './entry.js';
import { encodeEntry, entryBound, EntryHasher } from './fastChain.js';
import { LABELS, type AuditKeys } from './keys.js';
import type { ExternalHead, Walked } from './verify.js';

/**
 * The first pass of `audit verify` over a keystore's log, in two threads:
 * this one reads the rows a page at a time, checks every link (each entry
 * numbered next and naming the previous entry's hash) and encodes each entry
 * as it is hashed; batches of encoded entries go to a second thread, which
 * checks each entry's hash and its MAC, while this one reads on. When the
 * worker is behind, this thread checks the batch itself (noble, as before).
 *
 * Every row's hash, MAC and link is checked, in one thread or the other. The
 * answer is all or nothing: the rows all fit (a Walked), or null, and then the
 * caller walks the log again in one thread, which finds the first entry that
 * does not fit and names what happened to it exactly as before.
 */

/** Per entry in a batch: seq (u32), encoded length (u32), stored hash, stored MAC, then the encoded entry. */
const ITEM_HEAD = 8 + 2 * HASH_BYTES;
/** The batch's answer sits in its first 8 bytes: -1 when every entry is authentic, else the first one that is not. */
const ITEMS_AT = 8;
const SLOT_BYTES = 512 * 1024;

/**
 * The worker's half, the same computation as fastChain.ts (on @noble/hashes,
 * from saved SHA-256 states in reused objects: node:crypto's per-call cost is
 * twice that for messages this short): SHA-256 of the encoded entry must be
 * its stored hash, and HMAC(K_i, hash) its MAC, with K_i =
 * HKDF-Expand(PRK, "custos/audit/entry/" + i), one block, as keys.ts computes it.
 */
const SETUP = `
const { pathToFileURL } = require('node:url');
let sha256, empty, h, prkMac, expand, inner, outer;
const out = new Uint8Array(32), key = new Uint8Array(32), pad = new Uint8Array(64), label = Buffer.alloc(64);
ready = (async () => {
  ({ sha256 } = await import(pathToFileURL(workerData.modules.sha2).href));
  const { hmac } = await import(pathToFileURL(workerData.modules.hmac).href);
  empty = sha256.create(); h = sha256.create(); inner = sha256.create(); outer = sha256.create();
  prkMac = hmac.create(sha256, params);
})();
function keyPad(byte) {
  for (let i = 0; i < 32; i++) pad[i] = key[i] ^ byte;
  pad.fill(byte, 32);
}
function same(a, b) {
  let d = 0;
  for (let i = 0; i < 32; i++) d |= a[i] ^ b[i];
  return d === 0;
}
`;

const WORK = `
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bad = -1;
  let at = ${ITEMS_AT};
  for (let i = 0; i < count; i++) {
    const seq = view.getUint32(at);
    const len = view.getUint32(at + 4);
    const hash = bytes.subarray(at + 8, at + 40);
    const mac = bytes.subarray(at + 40, at + 72);
    h = empty._cloneInto(h);
    h.update(bytes.subarray(at + ${ITEM_HEAD}, at + ${ITEM_HEAD} + len));
    h.digestInto(out);
    at += ${ITEM_HEAD} + len;
    if (!same(out, hash)) { bad = i; break; }
    const n = label.write(${JSON.stringify(LABELS.entry)} + seq, 0, 'latin1');
    label[n] = 1;
    expand = prkMac._cloneInto(expand);
    expand.update(label.subarray(0, n + 1));
    expand.digestInto(key);
    keyPad(0x36);
    inner = empty._cloneInto(inner);
    inner.update(pad).update(hash);
    inner.digestInto(out);
    keyPad(0x5c);
    outer = empty._cloneInto(outer);
    outer.update(pad).update(out);
    outer.digestInto(out);
    if (!same(out, mac)) { bad = i; break; }
  }
  key.fill(0);
  pad.fill(0);
  view.setInt32(0, bad);
`;

const require = createRequire(import.meta.url);
const MODULES = { sha2: require.resolve('@noble/hashes/sha2.js'), hmac: require.resolve('@noble/hashes/hmac.js') };

/**
 * Below this many entries the log is checked in this thread alone: a second
 * thread takes tens of milliseconds to start, as long as this one needs for
 * a few thousand entries.
 */
export const WORKER_FROM_ENTRIES = 16_384;

export interface WalkOptions {
  /** Check batches in a second thread too (default: on a machine with more than one core, for a log of WORKER_FROM_ENTRIES or more). */
  worker?: boolean;
  /** About how many entries the log holds (its head's seq), for the default above. */
  entries?: number;
  /** Entries per batch (tests use small batches to put tampering at their edges). */
  batchEntries?: number;
  /** false: at the end, wait for every posted batch instead of checking the unstarted ones here (tests of the worker's answers). */
  takeBack?: boolean;
}

interface Batch {
  /** The slot's bytes as a Buffer (for encodeEntry), or this thread's own buffer. */
  buf: Buffer;
  slot: Slot | null;
  count: number;
  at: number;
}

const isHash = (value: unknown): value is Uint8Array => value instanceof Uint8Array && value.length === HASH_BYTES;

/**
 * Walks the log from `page(after)` (rows with seq > after, in order, a page at
 * a time, empty at the end). Returns null as soon as a row does not fit.
 */
export function walkInBatches(page: (after: number) => AuditRow[], genesis: Uint8Array, keys: AuditKeys, external?: ExternalHead, options: WalkOptions = {}): Walked | null {
  const maxEntries = options.batchEntries ?? 1024;
  const prk = keys.entryPrk();
  const worker = (options.worker ?? (availableParallelism() > 1 && (options.entries ?? 0) >= WORKER_FROM_ENTRIES)) ? new SyncWorker({ setup: SETUP, work: WORK, modules: MODULES }, SLOT_BYTES, prk) : null;
  prk.fill(0);
  const hasher = new EntryHasher();
  const macs = keys.entryMacVerifier();
  const local = Buffer.alloc(SLOT_BYTES);
  const posted: Batch[] = [];

  /** This thread's check of a batch's entries: true when all are authentic. */
  const checkHere = (bytes: Uint8Array, count: number): boolean => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = ITEMS_AT;
    for (let i = 0; i < count; i++) {
      const seq = view.getUint32(at);
      const len = view.getUint32(at + 4);
      const hash = bytes.subarray(at + 8, at + 40);
      if (!hasher.bytesMatch(bytes.subarray(at + ITEM_HEAD, at + ITEM_HEAD + len), hash) || !macs.ok(seq, hash, bytes.subarray(at + 40, at + 72))) return false;
      at += ITEM_HEAD + len;
    }
    return true;
  };
  /** A posted batch's verdict: the worker's, or this thread's when the worker failed it. */
  const collect = (batch: Batch): boolean => {
    const slot = batch.slot as Slot;
    const ok = worker?.settled(slot) ? new DataView(slot.bytes.buffer, slot.bytes.byteOffset).getInt32(0) === -1 : checkHere(slot.bytes, batch.count);
    worker?.release(slot);
    return ok;
  };
  const open = (): Batch | null => {
    let slot = worker?.free() ?? null;
    if (!slot && posted[0] && !worker?.pending(posted[0].slot as Slot)) {
      const oldest = posted.shift() as Batch;
      if (!collect(oldest)) return null;
      slot = oldest.slot;
    }
    const buf = slot ? Buffer.from(slot.bytes.buffer, slot.bytes.byteOffset, slot.bytes.byteLength) : local;
    return { buf, slot, count: 0, at: ITEMS_AT };
  };
  /** Sends a full batch to the worker, or checks it here; false when it holds an entry that is not authentic. */
  const flush = (batch: Batch): boolean => {
    if (batch.count === 0) return true;
    if (!batch.slot || !worker) return checkHere(batch.buf, batch.count);
    worker.post(batch.slot, batch.count);
    posted.push(batch);
    return true;
  };

  let expected = 1;
  let prev = genesis;
  let externalHash: Uint8Array | null = null;
  let batch: Batch | null = null;
  try {
    for (let rows = page(0); rows.length > 0; rows = page(expected - 1)) {
      for (const row of rows) {
        if (row.seq !== expected || !isHash(row.prev) || !equalBytes(row.prev, prev) || !isHash(row.hash) || !isHash(row.mac)) return null;
        if (batch && (batch.count === maxEntries || batch.at + ITEM_HEAD + entryBound(row) > batch.buf.length)) {
          if (!flush(batch)) return null;
          batch = null;
        }
        batch ??= open();
        if (!batch) return null;
        if (batch.at + ITEM_HEAD + entryBound(row) > batch.buf.length) {
          // An entry larger than a whole batch: checked here on its own.
          if (!hasher.matches(row, expected) || !macs.ok(expected, row.hash, row.mac)) return null;
        } else {
          const end = encodeEntry(row, expected, batch.buf, batch.at + ITEM_HEAD);
          if (end < 0) return null;
          batch.buf.writeUInt32BE(expected, batch.at);
          batch.buf.writeUInt32BE(end - batch.at - ITEM_HEAD, batch.at + 4);
          batch.buf.set(row.hash, batch.at + 8);
          batch.buf.set(row.mac, batch.at + 8 + HASH_BYTES);
          batch.at = end;
          batch.count++;
        }
        if (external?.seq === expected) externalHash = row.hash;
        prev = row.hash;
        expected++;
      }
    }
    if (batch && !flush(batch)) return null;
    // Batches still queued behind the worker's current one are checked here rather than waited for.
    for (let last = posted.at(-1); last && options.takeBack !== false && worker?.reclaim(last.slot as Slot); last = posted.at(-1)) {
      posted.pop();
      const ok = checkHere(last.buf, last.count);
      worker.release(last.slot as Slot);
      if (!ok) return null;
    }
    while (posted.length > 0) if (!collect(posted.shift() as Batch)) return null;
    return { last: expected - 1, prev, externalHash };
  } finally {
    worker?.close();
    macs.dispose();
    local.fill(0);
  }
}
