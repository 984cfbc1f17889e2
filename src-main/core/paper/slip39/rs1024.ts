/**
 * RS1024: the Reed-Solomon checksum over GF(1024) that closes every share
 * (three 10-bit words). It detects any error in up to three words. The
 * customization string keeps shares of the extendable and the original
 * format from ever validating as each other.
 */

export const CHECKSUM_WORDS = 3;

const GENERATOR = [
  0xe0e040, 0x1c1c080, 0x3838100, 0x7070200, 0xe0e0009, 0x1c0c2412, 0x38086c24, 0x3090fc48, 0x21b1f890, 0x3f3f120,
] as const;

export function customizationString(extendable: boolean): string {
  return extendable ? 'shamir_extendable' : 'shamir';
}

function polymod(values: Iterable<number>): number {
  // The accumulator stays below 2^30, so 32-bit bit operations are exact.
  let chk = 1;
  for (const value of values) {
    const top = chk >>> 20;
    chk = ((chk & 0xfffff) << 10) ^ value;
    for (let i = 0; i < 10; i++) {
      if ((top >>> i) & 1) chk ^= GENERATOR[i] ?? 0;
    }
  }
  return chk;
}

function withPrefix(extendable: boolean, data: readonly number[]): number[] {
  const prefix = Array.from(customizationString(extendable), (c) => c.charCodeAt(0));
  return [...prefix, ...data];
}

/** The three checksum words for the data words (everything before the checksum). */
export function createChecksum(data: readonly number[], extendable: boolean): number[] {
  const residue = polymod([...withPrefix(extendable, data), 0, 0, 0]) ^ 1;
  return [(residue >>> 20) & 1023, (residue >>> 10) & 1023, residue & 1023];
}

/** True when the words (data followed by checksum) carry a valid checksum. */
export function verifyChecksum(words: readonly number[], extendable: boolean): boolean {
  return polymod(withPrefix(extendable, words)) === 1;
}
