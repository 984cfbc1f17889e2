import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../src-main/core/audit/entry.js';
import { keyedCheck, verifyChain } from '../../../src-main/core/audit/verify.js';
import { walkInBatches } from '../../../src-main/core/audit/verifyBatches.js';
import { SyncWorker } from '../../../src-main/core/parallel/syncWorker.js';
import { buildChain } from './chainFixture.js';

/**
 * `audit verify`'s first pass in batches, in this thread and a second one:
 * a sound log walks through whole (and the second thread did batches), and
 * any entry edited, unlinked, re-MACed, removed or swapped, at the first or
 * last place of a batch, the first of the next, the middle or the end of the
 * log, makes it give up (null), so the one-thread walk names the problem.
 */
const BATCH = 16;
const N = BATCH * 12 + 5;
const chain = buildChain(N, 1515);

/** Pages of rows ordered by seq, as SQLite gives them. */
const pages = (rows: AuditRow[]) => {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  return (after: number) => sorted.filter((r) => r.seq > after).slice(0, 40);
};

/** How many batches the second thread answered during `fn`. */
function counted<T>(fn: () => T): { value: T; answered: number } {
  const original = SyncWorker.prototype.settled;
  let answered = 0;
  SyncWorker.prototype.settled = function (slot) {
    const done = original.call(this, slot);
    if (done) answered++;
    return done;
  };
  try {
    return { value: fn(), answered };
  } finally {
    SyncWorker.prototype.settled = original;
  }
}

const EXTERNAL = { seq: 40, hash: Buffer.from(chain.rows[39]?.hash ?? []).toString('hex').slice(0, 16) };
/** `worker` 'answers': the second thread, and every batch posted to it waited for (none taken back at the end). */
const walk = (rows: AuditRow[], worker: boolean | 'answers') => walkInBatches(pages(rows), chain.genesis, chain.keys, EXTERNAL, { worker: worker !== false, takeBack: worker !== 'answers', batchEntries: BATCH });

const POSITIONS = [1, BATCH, BATCH + 1, 2 * BATCH, 5 * BATCH + 7, N - 1, N];
const flip = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === 5 ? b ^ 1 : b));
const TAMPERINGS: Record<string, (rows: AuditRow[], i: number) => AuditRow[]> = {
  'an edited field': (rows, i) => rows.map((r, k) => (k === i ? { ...r, outcome: 'WRONG_PASSPHRASE!' } : r)),
  'a broken link': (rows, i) => rows.map((r, k) => (k === i ? { ...r, prev: flip(r.prev) } : r)),
  'an edited hash': (rows, i) => rows.map((r, k) => (k === i ? { ...r, hash: flip(r.hash) } : r)),
  'an edited MAC': (rows, i) => rows.map((r, k) => (k === i ? { ...r, mac: flip(r.mac as Uint8Array) } : r)),
  'a removed entry': (rows, i) => rows.filter((_, k) => k !== i),
  'two swapped entries': (rows, i) => rows.map((r, k) => (k === i ? { ...(rows[i - 1] as AuditRow), seq: r.seq } : k === i - 1 ? { ...(rows[i] as AuditRow), seq: r.seq } : r)),
};

describe('audit verify in batches', () => {
  it('walks a sound log to its end, with the same result in one thread and two (the second answered batches)', () => {
    const here = walk(chain.rows, false);
    expect(here).toEqual({ last: N, prev: chain.rows[N - 1]?.hash, externalHash: chain.rows[39]?.hash });
    expect(walk(chain.rows, true)).toEqual(here);
    const two = counted(() => walk(chain.rows, 'answers'));
    expect(two.value).toEqual(here);
    expect(two.answered).toBeGreaterThanOrEqual(1);
  });

  for (const [what, tamper] of Object.entries(TAMPERINGS)) {
    it(`gives up on ${what} at a batch's edges, the middle and the end, in one thread and two`, () => {
      for (const seq of POSITIONS) {
        if (what === 'two swapped entries' && seq === 1) continue;
        const rows = tamper(chain.rows, seq - 1);
        const sequential = verifyChain(() => rows, chain.heads[N] ?? null, chain.genesis, keyedCheck(chain.keys), EXTERNAL);
        expect(sequential.ok, `${what} at ${seq}`).toBe(false);
        for (const worker of [false, true, 'answers'] as const) {
          const walked = walk(rows, worker);
          // Only the last entry's removal leaves rows that all fit: the head then says they were cut short.
          if (what === 'a removed entry' && seq === N) expect(walked?.last).toBe(N - 1);
          else expect(walked, `${what} at ${seq}, worker ${worker}`).toBeNull();
          expect(verifyChain(() => rows, chain.heads[N] ?? null, chain.genesis, keyedCheck(chain.keys), EXTERNAL, walked ?? undefined)).toEqual(sequential);
        }
      }
    });
  }
});
