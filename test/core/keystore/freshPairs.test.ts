import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { p256Points } from '../../../src-main/core/crypto/p256Points.js';
import { x25519PublicKey } from '../../../src-main/core/crypto/x25519.js';
import { FRESH_BATCH, FreshPairs, pairFromSecret, type PairAlgorithm } from '../../../src-main/core/keystore/freshPairs.js';
import { makeVault } from '../../helpers/keystore.js';

/**
 * The pairs of a large generate, made ahead with their public keys computed
 * in a second thread (keystore/freshPairs.ts): each public key must be the
 * one its own secret gives, whichever thread computed it, in the order the
 * plan asked for them.
 */
const COUNT = FRESH_BATCH * 6 + 5;
// Every third pair X25519, the rest P-256, so batches hold both kinds.
const ALGORITHMS: PairAlgorithm[] = Array.from({ length: COUNT }, (_, i) => (i % 3 === 1 ? 'x25519' : 'p256'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** `worker` 'answers': the second thread, and its answer to every batch waited for (none done here instead). */
function takeAll(worker: boolean | 'answers'): { pairs: ReturnType<FreshPairs['take']>[]; workerBatches: number } {
  const made = new FreshPairs(ALGORITHMS, worker !== false, worker !== 'answers');
  try {
    return { pairs: ALGORITHMS.map((a) => made.take(a)), workerBatches: made.workerBatches };
  } finally {
    made.close();
  }
}

describe('fresh pairs made ahead', () => {
  for (const worker of [false, true, 'answers'] as const) {
    it(`each public key is its own secret's, in the planned order (${worker === false ? 'one thread' : worker === true ? 'two threads' : 'every batch answered by the second thread'})`, () => {
      const { pairs, workerBatches } = takeAll(worker);
      pairs.forEach((pair, i) => {
        expect(pair.secret).toHaveLength(32);
        if (ALGORITHMS[i] === 'x25519') {
          expect(hex(pair.publicKey)).toBe(hex(x25519PublicKey(pair.secret)));
          expect(pair.spki).toBeNull();
          expect((pair.secret[0] ?? 0) & 7).toBe(0); // clamped, as OpenSSL clamps its own X25519 keys
          expect((pair.secret[31] ?? 0) & 0xc0).toBe(0x40);
        } else {
          const points = p256Points(pair.secret);
          expect(hex(pair.publicKey)).toBe(hex(points.compressed));
          expect(hex(pair.spki ?? new Uint8Array(0))).toBe(hex(points.spki));
        }
      });
      expect(new Set(pairs.map((p) => hex(p.secret))).size).toBe(COUNT);
      // Two threads split the batches as their speeds allow (here the second one may not even have started).
      if (worker === 'answers') expect(workerBatches).toBe(Math.ceil(COUNT / FRESH_BATCH));
      if (worker === false) expect(workerBatches).toBe(0);
    });
  }

  it('refuses a pair taken out of the planned order', () => {
    const made = new FreshPairs(['p256', 'x25519'], false);
    try {
      expect(() => made.take('x25519')).toThrow(/planned as p256, taken as x25519/);
    } finally {
      made.close();
    }
  });

  it('replaces (and wipes) a P-256 secret that is no private key', () => {
    const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex'); // the group order n
    for (const bad of [new Uint8Array(32), new Uint8Array(order)]) {
      const pair = pairFromSecret('p256', bad);
      expect(bad.every((b) => b === 0)).toBe(true);
      expect(hex(pair.secret)).not.toBe(hex(bad));
      expect(hex(pair.publicKey)).toBe(hex(p256Points(pair.secret).compressed));
    }
  });
});

describe('a large generate with its pairs made in a second thread', () => {
  for (const keyType of [undefined, 'x25519'] as const) {
    it(`stores pairs that check proves, the second thread allowed (${keyType ?? 'default'} catalogue)`, async () => {
      const vault = await makeVault();
      const ks = await vault.open();
      const ids = Array.from({ length: 150 }, (_, i) => `client-${String(i).padStart(4, '0')}`);
      const created = ks.generate(
        ids.map((clientId) => ({ scope: 'client' as const, clientId, ...(keyType ? { keyType } : {}) })),
        { worker: true },
      );
      expect(created).toHaveLength(900);
      expect(new Set(created.map((k) => k.fingerprint)).size).toBe(900);
      expect(checkKeystore(ks, undefined, { worker: false })).toMatchObject({ opened: 900, problems: [] });
      ks.close();
    });
  }
});
