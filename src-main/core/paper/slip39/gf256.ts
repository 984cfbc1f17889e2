import { CustosError } from '../../../../shared/errors.js';

/**
 * GF(256) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1 (0x11b), as
 * SLIP-0039 mandates. 0x03 (x + 1) generates the multiplicative group, so
 * exp/log tables turn multiplication into addition of logarithms. EXP is
 * doubled in length so a sum of two logarithms needs no reduction.
 */
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);

{
  let value = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = value;
    EXP[i + 255] = value;
    LOG[value] = i;
    value ^= value << 1;
    if (value & 0x100) value ^= 0x11b;
  }
}

function exp(i: number): number {
  return EXP[i] ?? 0;
}

function log(x: number): number {
  return LOG[x] ?? 0;
}

export function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return exp(log(a) + log(b));
}

export interface Point {
  /** The x coordinate, 0..255. */
  readonly x: number;
  /** One y value per byte of the shared secret. */
  readonly y: Uint8Array;
}

/**
 * The value at `x` of the polynomials of lowest degree through `points`,
 * byte by byte (Lagrange interpolation). The x coordinates must be distinct
 * and the y vectors of equal length; callers check both with specific errors,
 * so a violation here is an internal error.
 */
export function interpolate(points: readonly Point[], x: number): Uint8Array {
  const first = points[0];
  if (first === undefined) throw new CustosError('INTERNAL', 'interpolate: no points');
  const length = first.y.length;
  const xs = new Set(points.map((p) => p.x));
  if (xs.size !== points.length || points.some((p) => p.y.length !== length)) {
    throw new CustosError('INTERNAL', 'interpolate: repeated x or uneven lengths');
  }
  const known = points.find((p) => p.x === x);
  if (known) return known.y.slice();

  // log of prod_j (x - x_j); subtraction in GF(2^8) is XOR.
  let logProduct = 0;
  for (const p of points) logProduct += log(p.x ^ x);

  const result = new Uint8Array(length);
  for (const p of points) {
    // log of the Lagrange basis polynomial of p evaluated at x:
    // prod_{j != i} (x - x_j) / (x_i - x_j).
    let logBasis = logProduct - log(p.x ^ x);
    for (const other of points) {
      if (other !== p) logBasis -= log(p.x ^ other.x);
    }
    logBasis = ((logBasis % 255) + 255) % 255;
    for (let k = 0; k < length; k++) {
      const y = p.y[k] ?? 0;
      if (y !== 0) result[k] = (result[k] ?? 0) ^ exp(log(y) + logBasis);
    }
  }
  return result;
}
