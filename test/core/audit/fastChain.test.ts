import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHashReference, type AuditRow } from '../../../src-main/core/audit/entry.js';
import { EntryHasher } from '../../../src-main/core/audit/fastChain.js';
import { AuditKeys } from '../../../src-main/core/audit/keys.js';

const base = (): AuditRow => ({
  seq: 7,
  at: '2025-06-01T10:00:00.000Z',
  operation: 'key-rotate',
  actor: 'Ana Ruiz',
  subject: canonicalJson({ keys: [{ name: 'orders_storage', version: 2, fingerprint: 'ab'.repeat(16) }], count: 1 }),
  outcome: 'ok',
  prev: new Uint8Array(32).fill(3),
  hash: new Uint8Array(32),
  mac: null,
});

const withHash = (row: AuditRow): AuditRow => ({ ...row, hash: entryHashReference(row) });

describe('fast audit chain verification', () => {
  it('accepts exactly the rows whose reference hash matches, for any field values (long and non-ASCII ones too)', () => {
    const hasher = new EntryHasher();
    const text = fc.string({ unit: 'grapheme', maxLength: 3000 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), text, text, fc.option(text), text, fc.uint8Array({ minLength: 32, maxLength: 32 }), (seq, at, subject, actor, outcome, prev) => {
        const row = withHash({ ...base(), seq, at, subject, actor, outcome, prev });
        expect(hasher.matches(row, seq)).toBe(true);
        if (seq > 1) expect(hasher.matches(row, seq - 1)).toBe(false);
        expect(hasher.matches({ ...row, outcome: `${outcome}x` }, seq)).toBe(false);
        expect(hasher.matches({ ...row, actor: actor === null ? '' : null }, seq)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('treats rows that cannot be encoded as not authentic, never throwing', () => {
    const hasher = new EntryHasher();
    const row = withHash(base());
    for (const seq of [0, -1, 1.5, 2 ** 33, Number.NaN]) expect(hasher.matches(row, seq)).toBe(false);
    expect(hasher.matches({ ...row, prev: new Uint8Array(31) }, 7)).toBe(false);
    expect(hasher.matches({ ...row, hash: row.hash.subarray(1) }, 7)).toBe(false);
    expect(hasher.matches({ ...row, subject: 5 as unknown as string }, 7)).toBe(false);
  });

  it('checks each MAC exactly as AuditKeys computes it, for its own position only', () => {
    const keys = new AuditKeys(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(16)));
    const macs = keys.entryMacVerifier();
    for (const seq of [1, 2, 9, 10, 99_999, 100_000, 0xffffffff]) {
      const hash = new Uint8Array(randomBytes(32));
      const mac = keys.entryMac(seq, hash);
      expect(macs.ok(seq, hash, mac)).toBe(true);
      expect(macs.ok(seq + 1, hash, mac)).toBe(false);
      const flipped = new Uint8Array(mac);
      flipped[31] = (flipped[31] ?? 0) ^ 1;
      expect(macs.ok(seq, hash, flipped)).toBe(false);
      expect(macs.ok(seq, hash, mac.subarray(0, 31))).toBe(false);
      expect(macs.ok(seq, hash, null)).toBe(false);
    }
    macs.dispose();
  });
});
