import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../../shared/errors.js';
import type { ErrorCode } from '../../../../shared/errors.js';
import { combineMnemonics, decodeMnemonic, splitSecret } from '../../../../src-main/core/paper/slip39/index.js';
import type { GroupSpec } from '../../../../src-main/core/paper/slip39/index.js';
import type { Share } from '../../../../src-main/core/paper/slip39/share.js';
import { encodeShare } from '../../../../src-main/core/paper/slip39/share.js';
import { WORDLIST } from '../../../../src-main/core/paper/slip39/wordlist.js';

// Iteration exponent 0 throughout: PBKDF2 dominates the run time.
const RUNS = 25;

function codeOf(fn: () => unknown): ErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** threshold ≤ count ≤ 16, and threshold 1 only with count 1 (the spec's rule). */
const groupSpec: fc.Arbitrary<GroupSpec> = fc
  .integer({ min: 1, max: 16 })
  .chain((count) => fc.integer({ min: count === 1 ? 1 : 2, max: count }).map((threshold) => ({ threshold, count })));

const passphrase = fc.array(fc.integer({ min: 32, max: 126 }), { maxLength: 12 }).map((codes) => String.fromCharCode(...codes));

const scenario = fc
  .record({
    secret: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
    groups: fc.array(groupSpec, { minLength: 1, maxLength: 5 }),
    passphrase,
    extendable: fc.boolean(),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      groupThreshold: fc.integer({ min: 1, max: base.groups.length }),
      // For every group, the order in which its shares are picked.
      memberOrders: fc.tuple(...base.groups.map((g) => fc.shuffledSubarray(range(g.count), { minLength: g.count, maxLength: g.count }))),
      groupOrder: fc.shuffledSubarray(range(base.groups.length), { minLength: base.groups.length, maxLength: base.groups.length }),
      // Which chosen group loses a share in the "one short" case.
      shortGroup: fc.nat(),
    }),
  );

describe('SLIP-39 properties', () => {
  it('any qualifying subset recovers the secret; one share short is SHARES_INSUFFICIENT', () => {
    fc.assert(
      fc.property(scenario, ({ base, groupThreshold, memberOrders, groupOrder, shortGroup }) => {
        const mnemonics = splitSecret({ ...base, groupThreshold, iterationExponent: 0 });
        expect(mnemonics.map((m) => m.length)).toEqual(base.groups.map((g) => g.count));

        const chosen = groupOrder.slice(0, groupThreshold);
        const picks = chosen.map((g) => memberOrders[g]!.slice(0, base.groups[g]!.threshold).map((m) => mnemonics[g]![m]!));
        const subset = picks.flat().reverse();
        expect(combineMnemonics(subset, base.passphrase)).toEqual(base.secret);

        // Drop one share from one chosen group; a 1-of-1 group then vanishes (one group short).
        const victim = shortGroup % picks.length;
        const short = picks.flatMap((p, i) => (i === victim ? p.slice(1) : p));
        expect(codeOf(() => combineMnemonics(short, base.passphrase))).toBe('SHARES_INSUFFICIENT');
      }),
      { numRuns: RUNS },
    );
  });

  it('every share of a split carries the split parameters', () => {
    fc.assert(
      fc.property(scenario, ({ base, groupThreshold }) => {
        const identifier = 12345;
        const mnemonics = splitSecret({ ...base, groupThreshold, identifier, iterationExponent: 0 });
        const words = base.secret.length === 16 ? 20 : 33;
        mnemonics.forEach((group, g) =>
          group.forEach((mnemonic, m) => {
            expect(mnemonic.split(' ')).toHaveLength(words);
            const share = decodeMnemonic(mnemonic);
            expect(share).toMatchObject({
              identifier,
              extendable: base.extendable,
              iterationExponent: 0,
              groupIndex: g,
              groupThreshold,
              groupCount: base.groups.length,
              memberIndex: m,
              memberThreshold: base.groups[g]!.threshold,
            });
          }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('a different passphrase recovers a different secret of the same length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), passphrase, passphrase, (secret, p1, p2) => {
        fc.pre(p1 !== p2);
        const [[mnemonic]] = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], passphrase: p1, iterationExponent: 0 }) as [[string]];
        const other = combineMnemonics([mnemonic], p2);
        expect(other).toHaveLength(16);
        expect(other).not.toEqual(secret);
      }),
      { numRuns: 10 },
    );
  });
});

const shareArb: fc.Arbitrary<Share> = fc
  .record({
    identifier: fc.integer({ min: 0, max: 0x7fff }),
    extendable: fc.boolean(),
    iterationExponent: fc.integer({ min: 0, max: 15 }),
    groupIndex: fc.integer({ min: 0, max: 15 }),
    groupCount: fc.integer({ min: 1, max: 16 }),
    memberIndex: fc.integer({ min: 0, max: 15 }),
    memberThreshold: fc.integer({ min: 1, max: 16 }),
    valueHalf: fc.integer({ min: 8, max: 40 }),
  })
  .chain(({ valueHalf, ...rest }) =>
    fc.record({
      groupThreshold: fc.integer({ min: 1, max: rest.groupCount }),
      value: fc.uint8Array({ minLength: 2 * valueHalf, maxLength: 2 * valueHalf }),
    }).map((more) => ({ ...rest, ...more })),
  );

describe('share encoding properties', () => {
  it('decode(encode(share)) is the share, for every field value and length', () => {
    fc.assert(
      fc.property(shareArb, (share) => {
        const words = encodeShare(share);
        expect(words).toHaveLength(7 + Math.ceil((share.value.length * 8) / 10));
        expect(decodeMnemonic(words.join(' '))).toEqual(share);
      }),
      { numRuns: 200 },
    );
  });

  it('any one changed word, or two swapped words, fails the checksum', () => {
    fc.assert(
      fc.property(shareArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 1023 }), (share, p, q, delta) => {
        const words = encodeShare(share);
        const i = p % words.length;
        const changed = [...words];
        changed[i] = WORDLIST[(WORDLIST.indexOf(words[i]!) + delta) % 1024]!;
        expect(codeOf(() => decodeMnemonic(changed.join(' ')))).toBe('SHARE_CHECKSUM');

        const j = q % words.length;
        fc.pre(words[i] !== words[j]);
        const swapped = [...words];
        [swapped[i], swapped[j]] = [words[j]!, words[i]!];
        expect(codeOf(() => decodeMnemonic(swapped.join(' ')))).toBe('SHARE_CHECKSUM');
      }),
      { numRuns: 200 },
    );
  });
});
