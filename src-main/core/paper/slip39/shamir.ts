import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../../shared/errors.js';
import { equalBytes, wipe } from '../../crypto/bytes.js';
import type { Point } from './gf256.js';
import { interpolate } from './gf256.js';

/** f(255) holds the shared secret, f(254) its digest; share indices stay below 16. */
export const SECRET_INDEX = 255;
export const DIGEST_INDEX = 254;
export const DIGEST_LENGTH = 4;
export const MAX_SHARE_COUNT = 16;

export type RandomSource = (length: number) => Uint8Array;

const nodeRandom: RandomSource = (length) => new Uint8Array(randomBytes(length));

function digest(random: Uint8Array, secret: Uint8Array): Uint8Array {
  const mac = hmac(sha256, random, secret);
  const out = mac.slice(0, DIGEST_LENGTH);
  wipe(mac);
  return out;
}

/**
 * SplitSecret(T, N, S) of SLIP-0039: N points at x = 0..N-1 of polynomials
 * of degree T-1 through (254, digest) and (255, secret), T-2 of them random.
 * With T = 1 every share is the secret itself (the spec's rule; no digest).
 */
export function splitShares(threshold: number, count: number, secret: Uint8Array, random: RandomSource = nodeRandom): Point[] {
  if (!Number.isInteger(threshold) || !Number.isInteger(count) || threshold < 1 || threshold > count || count > MAX_SHARE_COUNT) {
    throw new CustosError('INVALID_ARGUMENT', `A threshold must be between 1 and the share count, and the count at most ${MAX_SHARE_COUNT}.`);
  }
  if (secret.length < 16 || secret.length % 2 !== 0) {
    throw new CustosError('INVALID_ARGUMENT', 'A shared secret must be at least 16 bytes and an even number of bytes long.');
  }
  if (threshold === 1) {
    return Array.from({ length: count }, (_, x) => ({ x, y: secret.slice() }));
  }
  const shares: Point[] = [];
  for (let x = 0; x < threshold - 2; x++) shares.push({ x, y: random(secret.length) });

  const randomPart = random(secret.length - DIGEST_LENGTH);
  const digestShare = new Uint8Array(secret.length);
  const mac = digest(randomPart, secret);
  digestShare.set(mac, 0);
  digestShare.set(randomPart, DIGEST_LENGTH);
  wipe(mac, randomPart);

  const base: Point[] = [...shares, { x: DIGEST_INDEX, y: digestShare }, { x: SECRET_INDEX, y: secret }];
  for (let x = threshold - 2; x < count; x++) shares.push({ x, y: interpolate(base, x) });
  wipe(digestShare);
  return shares;
}

/**
 * RecoverSecret(T, shares) without the throw: the value at f(255), or null
 * when it fails its digest at f(254). Callers give exactly T shares with
 * distinct indices.
 */
export function recoverIfDigestHolds(threshold: number, shares: readonly Point[]): Uint8Array | null {
  const first = shares[0];
  if (first === undefined) throw new CustosError('INTERNAL', 'recoverShares: no shares');
  if (threshold === 1) return first.y.slice();

  const secret = interpolate(shares, SECRET_INDEX);
  const digestShare = interpolate(shares, DIGEST_INDEX);
  const expected = digest(digestShare.subarray(DIGEST_LENGTH), secret);
  const ok = equalBytes(expected, digestShare.subarray(0, DIGEST_LENGTH));
  wipe(expected, digestShare);
  if (ok) return secret;
  wipe(secret);
  return null;
}

/**
 * RecoverSecret(T, shares): interpolates f(255) and checks it against the
 * digest at f(254). Callers give exactly T shares with distinct indices.
 * A failed digest means a forged share or shares from different splits
 * that happen to pass every other check.
 */
export function recoverShares(threshold: number, shares: readonly Point[]): Uint8Array {
  const secret = recoverIfDigestHolds(threshold, shares);
  if (secret === null) {
    throw new CustosError('SHARE_DIGEST', 'The shares combine to a value that fails its digest check: one share is forged or altered, or the shares come from different splits that share an identifier.');
  }
  return secret;
}
