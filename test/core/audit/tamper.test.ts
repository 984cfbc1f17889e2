import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryHash, type AuditHeadRow, type AuditRow } from '../../../src-main/core/audit/entry.js';
import { keyedCheck, verifyChain, type ExternalHead, type ProblemKind } from '../../../src-main/core/audit/verify.js';
import { toHex } from '../../../src-main/core/crypto/bytes.js';
import { buildChain, memoized, prng, type Chain } from './chainFixture.js';

const SIZE = 300;
const TAMPERINGS = 10_000;

type Rng = ReturnType<typeof prng>;
interface Tampered {
  what: string;
  rows: AuditRow[];
  head: AuditHeadRow | null;
  external?: ExternalHead;
  /** The kinds a correct verifier may name for this tampering. */
  kinds: ProblemKind[];
}

const flip = (bytes: Uint8Array, r: Rng): Uint8Array => {
  const copy = new Uint8Array(bytes);
  const i = r.int(copy.length);
  copy[i] = (copy[i] ?? 0) ^ (1 + r.int(255));
  return copy;
};

/** Changes one field of one entry, as an attacker with the file and SQLite would (and, half the time, recomputes its SHA-256 too). */
function edit(chain: Chain, r: Rng): Tampered {
  const rows = [...chain.rows];
  const i = r.int(rows.length);
  const row = rows[i] as AuditRow;
  const field = r.pick(['seq', 'at', 'operation', 'actor', 'subject', 'outcome', 'prev', 'hash', 'mac'] as const);
  let changed: AuditRow;
  switch (field) {
    case 'seq':
      changed = { ...row, seq: r.pick([row.seq + 1 + r.int(5), Math.max(0, row.seq - 1 - r.int(5)), -1, 1.5, 2 ** 33]) };
      break;
    case 'at':
      changed = { ...row, at: new Date(Date.parse(row.at) + 1000 * (1 + r.int(1e6))).toISOString() };
      break;
    case 'operation':
      changed = { ...row, operation: row.operation === 'key-destroy' ? 'key-rotate' : 'key-destroy' };
      break;
    case 'actor':
      changed = { ...row, actor: row.actor === null ? r.pick(['', 'Mallory']) : r.pick([null, `${row.actor}x`]) };
      break;
    case 'subject':
      changed = { ...row, subject: row.subject.replace(/"count":(\d+)/, (_m, n: string) => `"count":${Number(n) + 1}`).replace(/^\{/, row.subject.includes('"count"') ? '{' : '{"x":1,') };
      break;
    case 'outcome':
      changed = { ...row, outcome: row.outcome === 'ok' ? 'KEY_NOT_FOUND' : 'ok' };
      break;
    case 'prev':
      changed = { ...row, prev: flip(row.prev, r) };
      break;
    case 'hash':
      changed = { ...row, hash: flip(row.hash, r) };
      break;
    case 'mac':
      changed = { ...row, mac: flip(row.mac ?? new Uint8Array(32), r) };
      break;
  }
  if (field !== 'hash' && field !== 'mac' && field !== 'seq' && r.next() < 0.5) {
    // The attacker recomputes the hash (SHA-256 is public) and perhaps borrows another entry's MAC.
    const hash = entryHash(changed);
    if (hash) changed = { ...changed, hash, mac: r.next() < 0.5 ? changed.mac : (rows[r.int(rows.length)] as AuditRow).mac };
  }
  rows[i] = changed;
  return { what: `edit ${field} of entry ${row.seq}`, rows, head: chain.heads.at(-1) ?? null, kinds: ['edited'] };
}

function remove(chain: Chain, r: Rng): Tampered {
  const rows = [...chain.rows];
  const i = r.int(rows.length);
  rows.splice(i, 1);
  return { what: `delete entry ${i + 1}`, rows, head: chain.heads.at(-1) ?? null, kinds: [i === chain.rows.length - 1 ? 'truncated' : 'removed'] };
}

function insert(chain: Chain, r: Rng): Tampered {
  const rows = [...chain.rows];
  const p = r.int(rows.length + 1);
  let row: AuditRow;
  let what: string;
  if (r.next() < 0.5) {
    const j = r.int(rows.length);
    row = rows[j] as AuditRow;
    what = `insert a copy of entry ${j + 1} at position ${p + 1}`;
  } else {
    const base = rows[r.int(rows.length)] as AuditRow;
    const seq = r.pick([p + 1, 1 + r.int(rows.length + 5)]);
    const forged = { ...base, seq, operation: 'key-destroy', actor: 'Mallory', prev: r.next() < 0.5 ? ((rows[p - 1]?.hash ?? chain.genesis) as Uint8Array) : new Uint8Array(randomBytes(32)) };
    row = { ...forged, hash: entryHash(forged) ?? new Uint8Array(32), mac: r.next() < 0.5 ? new Uint8Array(randomBytes(32)) : base.mac };
    what = `insert a forged entry numbered ${seq} at position ${p + 1}`;
  }
  rows.splice(p, 0, row);
  return { what, rows, head: chain.heads.at(-1) ?? null, kinds: ['inserted'] };
}

function swap(chain: Chain, r: Rng): Tampered {
  const rows = [...chain.rows];
  const i = r.int(rows.length - 1);
  const j = i + 1 + r.int(Math.min(r.next() < 0.5 ? 1 : rows.length - i - 1, rows.length - i - 1));
  const a = rows[i] as AuditRow;
  const b = rows[j] as AuditRow;
  if (r.next() < 0.5) {
    rows[i] = b;
    rows[j] = a;
    return { what: `swap entries ${i + 1} and ${j + 1}`, rows, head: chain.heads.at(-1) ?? null, kinds: ['reordered'] };
  }
  // As UPDATEs in SQLite do it: each keeps its sequence number, the contents change places.
  rows[i] = { ...b, seq: a.seq };
  rows[j] = { ...a, seq: b.seq };
  return { what: `swap the contents of entries ${i + 1} and ${j + 1}`, rows, head: chain.heads.at(-1) ?? null, kinds: ['reordered'] };
}

function truncate(chain: Chain, r: Rng): Tampered {
  const k = 1 + r.int(Math.min(30, chain.rows.length));
  return { what: `cut the last ${k} entries`, rows: chain.rows.slice(0, chain.rows.length - k), head: chain.heads.at(-1) ?? null, kinds: ['truncated'] };
}

/** A whole older copy (entries and its then-authentic head): only a head seen later can tell. */
function olderCopy(chain: Chain, r: Rng): Tampered {
  const k = 1 + r.int(chain.rows.length - 1);
  const seen = r.int(chain.rows.length - k) + k + 1;
  const external = { seq: seen, hash: toHex((chain.rows[seen - 1] as AuditRow).hash).slice(0, 16) };
  return { what: `replace with the copy of ${k} entries, against a head taken at ${seen}`, rows: chain.rows.slice(0, k), head: chain.heads[k] ?? null, external, kinds: ['truncated'] };
}

function head(chain: Chain, r: Rng): Tampered {
  const h = chain.heads.at(-1) as AuditHeadRow;
  const choice = r.int(4);
  if (choice === 0) return { what: 'delete the head', rows: chain.rows, head: null, kinds: ['head-missing'] };
  if (choice === 1) return { what: 'flip a bit of the head hash', rows: chain.rows, head: { ...h, hash: flip(h.hash, r) }, kinds: ['head-forged'] };
  if (choice === 2) return { what: 'raise the head seq', rows: chain.rows, head: { ...h, seq: h.seq + 1 }, kinds: ['head-forged'] };
  const k = 1 + r.int(chain.rows.length - 1);
  return { what: `roll the head back to ${k}`, rows: chain.rows, head: chain.heads[k] ?? null, kinds: ['head-forged'] };
}

const TAMPERS = [edit, remove, insert, swap, truncate, olderCopy, head];

describe('audit log verification', () => {
  const chain = buildChain(SIZE, 20_240_607);
  const check = memoized(keyedCheck(chain.keys));
  const verify = (rows: AuditRow[], h: AuditHeadRow | null, external?: ExternalHead) => verifyChain(() => rows, h, chain.genesis, check, external);

  it(`the untampered log of ${SIZE} entries verifies, also against every earlier head`, () => {
    const outcome = verify(chain.rows, chain.heads.at(-1) ?? null);
    expect(outcome).toMatchObject({ ok: true, entries: SIZE, problem: null });
    for (let k = 0; k <= SIZE; k += 7) {
      const seen = k === 0 ? { seq: 0, hash: toHex(chain.genesis).slice(0, 16) } : { seq: k, hash: toHex((chain.rows[k - 1] as AuditRow).hash).slice(0, 12) };
      expect(verify(chain.rows, chain.heads.at(-1) ?? null, seen).ok, `head ${k}`).toBe(true);
    }
  });

  it('every prefix of the log, with the head of its time, verifies (an older copy is only caught by a later head)', () => {
    for (let k = 1; k <= SIZE; k += 13) expect(verify(chain.rows.slice(0, k), chain.heads[k] ?? null).ok, `prefix ${k}`).toBe(true);
  });

  it(`${TAMPERINGS.toLocaleString('en')} random tamperings are all detected and named`, () => {
    const r = prng(7);
    const seen = new Map<string, number>();
    for (let n = 0; n < TAMPERINGS; n++) {
      const seed = r.int(2 ** 31);
      const t = (TAMPERS[n % TAMPERS.length] as (c: Chain, r: Rng) => Tampered)(chain, prng(seed));
      const outcome = verify(t.rows, t.head, t.external);
      const label = `#${n} (seed ${seed}): ${t.what}`;
      expect(outcome.ok, label).toBe(false);
      expect(t.kinds, `${label}: named ${outcome.problem?.kind}: ${outcome.problem?.reason}`).toContain(outcome.problem?.kind);
      const kind = outcome.problem?.kind ?? 'none';
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['edited', 'head-forged', 'head-missing', 'inserted', 'removed', 'reordered', 'truncated']);
  });

  it('random untampered logs of every size verify', () => {
    for (let n = 1; n <= 40; n++) {
      const small = buildChain(n, n);
      expect(verifyChain(() => small.rows, small.heads.at(-1) ?? null, small.genesis, keyedCheck(small.keys)).ok, `size ${n}`).toBe(true);
    }
  });
});
