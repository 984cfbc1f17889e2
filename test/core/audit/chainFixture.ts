import { randomBytes } from 'node:crypto';
import { genesisHash, type AuditDraft, type AuditHeadRow, type AuditOperation, type AuditRow } from '../../../src-main/core/audit/entry.js';
import { AuditKeys } from '../../../src-main/core/audit/keys.js';
import { chainEntry, headFor } from '../../../src-main/core/audit/log.js';
import { keysSubject } from '../../../src-main/core/audit/subjects.js';
import type { EntryCheck } from '../../../src-main/core/audit/verify.js';

/** A small seeded PRNG (mulberry32), so a failing tampering can be replayed from its seed. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

const OPERATIONS: AuditOperation[] = ['unlock', 'key-generate', 'key-rotate', 'key-disable', 'key-enable', 'key-destroy', 'export', 'import', 'paper-split', 'paper-check', 'unlock-failed'];
const ACTORS = [null, 'Ana Ruiz', 'Ben Okafor', 'Cy'];

/** An entry like the ones a ceremony produces: key lists with fingerprints, actors, the odd failure. */
export function realisticDraft(r: ReturnType<typeof prng>, i: number): AuditDraft {
  const operation = r.pick(OPERATIONS);
  const keys = Array.from({ length: 1 + r.int(6) }, () => ({ name: `client-${r.int(50)}_${r.pick(['storage', 'hmac', 'server'])}`, version: 1 + r.int(3), fingerprint: randomBytes(16).toString('hex') }));
  const subject = operation === 'unlock' ? { method: r.pick(['master-key', 'passphrase']) } : operation === 'unlock-failed' ? { id: randomBytes(8).toString('hex'), attemptedAt: new Date(1_700_000_000_000 + i).toISOString(), method: 'passphrase' } : keysSubject(keys);
  return {
    operation,
    subject,
    actor: r.pick(ACTORS),
    outcome: operation === 'unlock-failed' ? 'WRONG_PASSPHRASE' : 'ok',
    at: new Date(1_700_000_000_000 + i * 61_000).toISOString(),
  };
}

export interface Chain {
  keystoreId: Uint8Array;
  keys: AuditKeys;
  genesis: Uint8Array;
  rows: AuditRow[];
  /** heads[k] is the head after k entries (null before the first). */
  heads: Array<AuditHeadRow | null>;
}

/** A log of `n` entries built exactly as AuditLog.append builds them, without a database. */
export function buildChain(n: number, seed: number): Chain {
  const r = prng(seed);
  const keystoreId = new Uint8Array(randomBytes(16));
  const keys = new AuditKeys(new Uint8Array(randomBytes(32)), keystoreId);
  const genesis = genesisHash(keystoreId);
  const rows: AuditRow[] = [];
  const heads: Array<AuditHeadRow | null> = [null];
  let tip = { seq: 0, hash: genesis };
  for (let i = 0; i < n; i++) {
    const draft: AuditDraft = i === 0 ? { operation: 'init', subject: { keystoreId: Buffer.from(keystoreId).toString('hex') }, at: new Date(1_700_000_000_000).toISOString() } : realisticDraft(r, i);
    const row = chainEntry(tip, draft, null, keys);
    rows.push(row);
    heads.push(headFor(row, keys));
    tip = row;
  }
  return { keystoreId, keys, genesis, rows, heads };
}

/**
 * Remembers each (row object, position) verdict. Tampered rows are always new
 * objects, so they are really checked; only untouched rows are answered from
 * memory, which keeps 10,000 verifications of a few hundred entries fast.
 */
export function memoized(base: EntryCheck): EntryCheck {
  const cache = new WeakMap<AuditRow, Map<number, boolean>>();
  return {
    keyed: base.keyed,
    authentic(row, seq) {
      let bySeq = cache.get(row);
      if (!bySeq) cache.set(row, (bySeq = new Map()));
      let verdict = bySeq.get(seq);
      if (verdict === undefined) bySeq.set(seq, (verdict = base.authentic(row, seq)));
      return verdict;
    },
    headAuthentic: (head) => base.headAuthentic(head),
  };
}
