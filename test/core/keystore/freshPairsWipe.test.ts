import { describe, expect, it, vi } from 'vitest';
import type * as X25519 from '../../../src-main/core/crypto/x25519.js';

/**
 * FreshPairs.close() after a generate that failed part-way: every secret it
 * drew and did not hand out is wiped, and none it handed out (the caller
 * owns those). The secrets are seen by wrapping x25519Secret, which draws them.
 */
const drawn: Uint8Array[] = [];
vi.mock('../../../src-main/core/crypto/x25519.js', async (importOriginal) => {
  const real = await importOriginal<typeof X25519>();
  return {
    ...real,
    x25519Secret: () => {
      const secret = real.x25519Secret();
      drawn.push(secret);
      return secret;
    },
  };
});

const { FRESH_BATCH, FreshPairs } = await import('../../../src-main/core/keystore/freshPairs.js');
const zero = (b: Uint8Array) => b.every((x) => x === 0);

describe('fresh pairs closed part-way', () => {
  for (const worker of [false, true]) {
    it(`wipes every secret drawn and not taken, and none taken (${worker ? 'batches posted ahead to a second thread' : 'one thread'})`, () => {
      drawn.length = 0;
      const made = new FreshPairs(Array.from({ length: FRESH_BATCH * 6 }, () => 'x25519' as const), worker);
      const taken = Array.from({ length: FRESH_BATCH + 10 }, () => made.take('x25519').secret);
      made.close();
      expect(drawn.length).toBeGreaterThan(taken.length); // the rest of the second batch at least
      const handedOut = new Set(taken);
      for (const secret of drawn) expect(zero(secret)).toBe(!handedOut.has(secret));
    });
  }
});
