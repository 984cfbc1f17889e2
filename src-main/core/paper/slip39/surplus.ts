import { equalBytes, wipe } from '../../crypto/bytes.js';
import { interpolate, type Point } from './gf256.js';
import { recoverIfDigestHolds } from './shamir.js';

export interface Consistent {
  /** f(255) of the polynomial found; the caller owns it and must wipe it. */
  secret: Uint8Array;
  /** x coordinates of the points given that do not lie on that polynomial. */
  outliers: number[];
}

/** Every k-element subset of `items`, in order (each yielded as a new array). */
export function* choose<T>(items: readonly T[], k: number, start = 0, picked: T[] = []): Generator<T[]> {
  if (picked.length === k) {
    yield [...picked];
    return;
  }
  for (let i = start; i <= items.length - (k - picked.length); i++) {
    picked.push(items[i] as T);
    yield* choose(items, k, i + 1, picked);
    picked.pop();
  }
}

/**
 * Recovers a shared secret from `threshold` or more points (distinct x) and
 * checks that every point is used: the first `threshold` of them whose digest
 * holds fix the polynomial, and every other point must lie on it. A forger
 * cannot make a subset pass the digest without the other shares, so the
 * points off the polynomial are the forged or damaged ones. With a threshold
 * of 1 there is no digest and the polynomial is a constant: every point must
 * equal the first. Returns null, does not throw, when no subset passes the
 * digest. At most C(16, 8) = 12870 subsets, each a cheap interpolation.
 */
export function recoverConsistent(threshold: number, points: readonly Point[]): Consistent | null {
  if (points.length < threshold || threshold < 1) return null;
  for (const basis of choose(points, threshold)) {
    const secret = recoverIfDigestHolds(threshold, basis);
    if (secret === null) continue;
    const outliers: number[] = [];
    for (const point of points) {
      if (basis.includes(point)) continue;
      const expected = interpolate(basis, point.x);
      if (!equalBytes(expected, point.y)) outliers.push(point.x);
      wipe(expected);
    }
    return { secret, outliers };
  }
  return null;
}
