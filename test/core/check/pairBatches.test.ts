import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAIR_BATCH, PairProofs, type PairRow } from '../../../src-main/core/check/pairProofs.js';
import { fingerprint } from '../../../src-main/core/crypto/fingerprint.js';
import { p256Points } from '../../../src-main/core/crypto/p256Points.js';
import { x25519Generate } from '../../../src-main/core/crypto/x25519.js';
import { materialFingerprint } from '../../../src-main/core/keystore/recordOpener.js';

/**
 * Pairs proven in batches, in this thread and in a second one: a pair whose
 * stored public key or fingerprint does not belong to its secret must be
 * reported wherever it sits in a batch (first, last, the first of the next)
 * and whichever thread computed its public key, and nothing else reported.
 */
interface Item {
  row: PairRow;
  secret: Uint8Array;
}

function p256Item(order: number): Item {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const secret = new Uint8Array(32);
  const raw = ecdh.getPrivateKey();
  secret.set(raw, 32 - raw.length);
  const points = p256Points(secret);
  return { secret, row: { order, name: `k${order}`, version: 1, algorithm: 'p256', publicKey: points.compressed, fingerprint: fingerprint('p256-spki', points.spki) } };
}

function x25519Item(order: number): Item {
  const { secret, publicKey } = x25519Generate();
  return { secret, row: { order, name: `k${order}`, version: 1, algorithm: 'x25519', publicKey, fingerprint: materialFingerprint('x25519', secret, publicKey) } };
}

const COUNT = PAIR_BATCH * 4 + 7;
// Every tenth pair is X25519; the rest P-256 (as a catalogue with both kinds of pair).
const items = Array.from({ length: COUNT }, (_, i) => (i % 10 === 3 ? x25519Item(i) : p256Item(i)));

/** Positions to spoil: first of all, last of a batch, first of the next, a middle one, the very last. */
const WRONG_PUBLIC = [0, PAIR_BATCH - 1, PAIR_BATCH, 2 * PAIR_BATCH + 13, COUNT - 1];
const WRONG_FINGERPRINT = [PAIR_BATCH + 1, 3 * PAIR_BATCH - 1, 3 * PAIR_BATCH + 3];
const NOT_A_SCALAR = [PAIR_BATCH * 3];

function spoiled(): Item[] {
  return items.map((item, i) => {
    const row = { ...item.row };
    let secret = item.secret;
    if (WRONG_PUBLIC.includes(i)) row.publicKey = items[(i + 10) % COUNT]?.row.publicKey ?? null; // the same kind of key, another pair's
    if (WRONG_FINGERPRINT.includes(i)) row.fingerprint = '0'.repeat(32);
    if (NOT_A_SCALAR.includes(i)) secret = new Uint8Array(32); // zero is no P-256 private key
    return { row, secret };
  });
}

/** `worker` 'answers': the second thread, and every batch posted to it waited for (none taken back at the end). */
function prove(list: Item[], worker: boolean | 'answers'): { problems: Array<[number, string]>; workerBatches: number } {
  const proofs = new PairProofs(worker !== false, worker !== 'answers');
  for (const { row, secret } of list) proofs.add(row, new Uint8Array(secret));
  const problems = proofs.finish().map((p): [number, string] => [p.order, p.message]);
  problems.sort((a, b) => a[0] - b[0]);
  return { problems, workerBatches: proofs.workerBatches };
}

describe('pair proofs in batches', () => {
  it('sound pairs: nothing reported, in one thread or two (the second did batches)', () => {
    expect(prove(items, false)).toEqual({ problems: [], workerBatches: 0 });
    expect(prove(items, true).problems).toEqual([]);
    const two = prove(items, 'answers');
    expect(two.problems).toEqual([]);
    expect(two.workerBatches).toBeGreaterThanOrEqual(1);
  });

  it('each spoiled pair is reported at its position, the same with and without the second thread', () => {
    const expected: Array<[number, string]> = [
      ...WRONG_PUBLIC.map((i): [number, string] => [i, 'stored public key does not match the private key']),
      ...NOT_A_SCALAR.map((i): [number, string] => [i, 'stored public key does not match the private key']),
      ...WRONG_FINGERPRINT.map((i): [number, string] => [i, 'stored fingerprint does not match the key material']),
    ].sort((a, b) => a[0] - b[0]);
    const list = spoiled();
    expect(prove(list, false).problems).toEqual(expected);
    expect(prove(list, true).problems).toEqual(expected);
    const two = prove(list, 'answers');
    expect(two.problems).toEqual(expected);
    expect(two.workerBatches).toBeGreaterThanOrEqual(1);
  });
});
