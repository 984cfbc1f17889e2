import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '../crypto/bytes.js';
import { HASH_BYTES, type AuditRow } from './entry.js';

/**
 * The audit chain's hash and MAC, computed for verification without a new
 * object per entry: `audit verify` over 100,000 entries made 300,000
 * node:crypto Hash/Hmac objects and as many small buffers, and that, not
 * SHA-256 itself, was where its time went. Here every SHA-256 starts from a
 * saved state (the empty one, or HMAC's keyed pads) that is copied into a
 * reused object, and fields are encoded into one reused buffer.
 *
 * The bytes hashed are exactly those of `entryHashReference` and of HMAC
 * (RFC 2104) as `AuditKeys` computes it; test/core/audit/fastChain.test.ts
 * holds them equal. Built on @noble/hashes' SHA-256 and HMAC, nothing of our own.
 */
type Sha256 = ReturnType<typeof sha256.create>;

const ENTRY_LABEL = Buffer.from('custos/audit/v1', 'utf8');
const ENTRY_KEY_LABEL = 'custos/audit/entry/';
const BLOCK = 64;

/**
 * Writes the bytes `entryHashReference` hashes for `row` placed at `seq` into
 * `out` from `at`; returns where they end, or -1 for a row whose fields cannot
 * be encoded (then it is not authentic) or that does not fit in `out`.
 */
export function encodeEntry(row: AuditRow, seq: number, out: Buffer, at: number): number {
  if (!Number.isInteger(seq) || seq < 1 || seq > 0xffffffff) return -1;
  if (typeof row.at !== 'string' || typeof row.operation !== 'string' || typeof row.subject !== 'string' || typeof row.outcome !== 'string') return -1;
  if (row.actor !== null && typeof row.actor !== 'string') return -1;
  if (!(row.prev instanceof Uint8Array) || row.prev.length !== HASH_BYTES) return -1;
  const actor = row.actor ?? '';
  // UTF-8 takes at most 3 bytes per UTF-16 unit: the most these fields can need.
  const size = 4 + ENTRY_LABEL.length + 8 + 8 + 4 * 5 + HASH_BYTES + 3 * (row.at.length + row.operation.length + actor.length + row.subject.length + row.outcome.length);
  if (at + size > out.length) return -1;
  at = out.writeUInt32BE(ENTRY_LABEL.length, at);
  at += ENTRY_LABEL.copy(out, at);
  at = out.writeUInt32BE(4, at);
  at = out.writeUInt32BE(seq, at);
  at = str(out, row.at, at);
  at = str(out, row.operation, at);
  at = out.writeUInt32BE(4, at);
  at = out.writeUInt32BE(row.actor === null ? 0 : 1, at);
  at = str(out, actor, at);
  at = str(out, row.subject, at);
  at = str(out, row.outcome, at);
  at = out.writeUInt32BE(HASH_BYTES, at);
  out.set(row.prev, at);
  return at + HASH_BYTES;
}

/** The most bytes `encodeEntry` may need for a row (an upper bound, for sizing buffers). */
export function entryBound(row: AuditRow): number {
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  return 4 + ENTRY_LABEL.length + 8 + 8 + 4 * 5 + HASH_BYTES + 3 * (len(row.at) + len(row.operation) + len(row.actor) + len(row.subject) + len(row.outcome));
}

/** Length-prefixed UTF-8, as encodeFields writes a string. */
function str(out: Buffer, text: string, at: number): number {
  const n = out.write(text, at + 4, 'utf8');
  out.writeUInt32BE(n, at);
  return at + 4 + n;
}

export class EntryHasher {
  private readonly empty: Sha256 = sha256.create();
  private h: Sha256 = sha256.create();
  private scratch = Buffer.alloc(4096);
  private readonly out = new Uint8Array(HASH_BYTES);

  /** Whether `row`, placed at `seq`, hashes to its stored hash (false for a row whose fields cannot be encoded). */
  matches(row: AuditRow, seq: number): boolean {
    if (!(row.hash instanceof Uint8Array) || row.hash.length !== HASH_BYTES) return false;
    const bound = entryBound(row);
    if (bound > this.scratch.length) this.scratch = Buffer.alloc(Math.max(bound, this.scratch.length * 2));
    const end = encodeEntry(row, seq, this.scratch, 0);
    return end >= 0 && this.bytesMatch(this.scratch.subarray(0, end), row.hash);
  }

  /** Whether already encoded entry bytes hash to `hash`. */
  bytesMatch(bytes: Uint8Array, hash: Uint8Array): boolean {
    this.h = this.empty._cloneInto(this.h);
    this.h.update(bytes);
    this.h.digestInto(this.out);
    return equalBytes(this.out, hash);
  }
}

/** Checks entry MACs: K_i = HKDF-Expand(PRK, "custos/audit/entry/" + i), mac_i = HMAC(K_i, hash_i). */
export class EntryMacVerifier {
  private readonly prkMac: _HMAC<Sha256>;
  private expand: _HMAC<Sha256> | undefined;
  private readonly empty: Sha256 = sha256.create();
  private inner: Sha256 = sha256.create();
  private outer: Sha256 = sha256.create();
  private readonly label = Buffer.alloc(64);
  private readonly key = new Uint8Array(HASH_BYTES);
  private readonly pad = new Uint8Array(BLOCK);
  private readonly out = new Uint8Array(HASH_BYTES);

  constructor(prk: Uint8Array) {
    this.prkMac = hmac.create(sha256, prk);
  }

  ok(seq: number, hash: Uint8Array, mac: Uint8Array | null): boolean {
    if (!(mac instanceof Uint8Array) || mac.length !== HASH_BYTES) return false;
    // HKDF-Expand, one block: T(1) = HMAC(PRK, info || 0x01).
    const n = this.label.write(`${ENTRY_KEY_LABEL}${seq}`, 0, 'latin1');
    this.label[n] = 1;
    this.expand = this.prkMac._cloneInto(this.expand);
    this.expand.update(this.label.subarray(0, n + 1));
    this.expand.digestInto(this.key);
    // HMAC(K_i, hash): a 32-byte key is padded to the block, not hashed.
    this.keyPad(0x36);
    this.inner = this.empty._cloneInto(this.inner);
    this.inner.update(this.pad).update(hash);
    this.inner.digestInto(this.out);
    this.keyPad(0x5c);
    this.outer = this.empty._cloneInto(this.outer);
    this.outer.update(this.pad).update(this.out);
    this.outer.digestInto(this.out);
    return equalBytes(this.out, mac);
  }

  /** Wipes the derived key and pads (JavaScript does not promise no other copy exists). */
  dispose(): void {
    this.key.fill(0);
    this.pad.fill(0);
    this.prkMac.destroy();
    this.expand?.destroy();
  }

  private keyPad(byte: number): void {
    for (let i = 0; i < HASH_BYTES; i++) this.pad[i] = (this.key[i] ?? 0) ^ byte;
    this.pad.fill(byte, HASH_BYTES);
  }
}
