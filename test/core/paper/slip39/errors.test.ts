import { describe, expect, it } from 'vitest';
import type { CustosError } from '../../../../shared/errors.js';
import { combineMnemonics, decodeMnemonic, splitSecret, wordSuggestions } from '../../../../src-main/core/paper/slip39/index.js';
import type { SplitOptions } from '../../../../src-main/core/paper/slip39/index.js';
import { encodeShare } from '../../../../src-main/core/paper/slip39/share.js';
import { caughtCustosError } from '../../../helpers/errorCode.js';

const caught = caughtCustosError;

/** No message may carry share material: no run of three share words, no secret bytes. */
function expectNoLeak(error: CustosError, mnemonics: readonly string[], secret: Uint8Array): void {
  expect(error.message).not.toContain(Buffer.from(secret).toString('hex'));
  for (const mnemonic of mnemonics) {
    const words = mnemonic.split(' ');
    for (let i = 0; i + 3 <= words.length; i++) expect(error.message).not.toContain(words.slice(i, i + 3).join(' '));
  }
}

const SECRET = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const base: SplitOptions = { secret: SECRET, groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0 };
const [[a, b, c]] = splitSecret(base) as [[string, string, string]];

function words(mnemonic: string): string[] {
  return mnemonic.split(' ');
}

describe('typing errors', () => {
  it('names the position of a misspelled word and suggests the right one', () => {
    // Official vector 4 (2-of-3); word 5 of the second share is "actress".
    const first = 'shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang wrist rescue view short owner flip making coding armed';
    const second = 'shadow pistol academic acid atcress prayer class unknown daughter sweater depict flip twice unkind craft early superior advocate guest smoking';
    const error = caught(() => combineMnemonics([first, second], 'TREZOR'));
    expect(error.code).toBe('SHARE_WORD_UNKNOWN');
    expect(error.message).toBe('Share 2: Word 5 is not in the SLIP-39 word list.');
    // The closest words are share material: they travel beside the message, not in it.
    expect(error.message).not.toContain('actress');
    expect(error.message).not.toContain('atcress');
    expect(wordSuggestions(error)).toEqual({ position: 5, suggestions: expect.arrayContaining(['actress']) });
  });

  it('two swapped words fail the checksum, and the message points at word order', () => {
    const w = words(a);
    let i = 5;
    while (w[i] === w[i + 1]) i++;
    [w[i], w[i + 1]] = [w[i + 1]!, w[i]!];
    const error = caught(() => combineMnemonics([w.join(' '), b]));
    expect(error.code).toBe('SHARE_CHECKSUM');
    expect(error.message).toMatch(/^Share 1: /);
    expect(error.message).toMatch(/wrong order/);
    expect(error.message).toMatch(/mistyped word/);
    expectNoLeak(error, [a, b], SECRET);
  });

  it('a word replaced by another valid word fails the checksum', () => {
    const w = words(a);
    w[7] = w[7] === 'academic' ? 'acid' : 'academic';
    expect(caught(() => decodeMnemonic(w.join(' '))).code).toBe('SHARE_CHECKSUM');
  });

  it('a missing or extra word is a length error', () => {
    expect(caught(() => decodeMnemonic(words(a).slice(0, -1).join(' '))).code).toBe('SHARE_LENGTH');
    expect(caught(() => decodeMnemonic(`${a} academic`)).code).toBe('SHARE_LENGTH');
    expect(caught(() => decodeMnemonic('   ')).code).toBe('SHARE_LENGTH');
  });

  it('accepts any case, extra whitespace and 4-letter prefixes', () => {
    const messy = words(a)
      .map((word, i) => (i % 3 === 0 ? word.slice(0, 4) : i % 3 === 1 ? word.toUpperCase() : word))
      .join(' \n\t ');
    expect(decodeMnemonic(`  ${messy}  `)).toEqual(decodeMnemonic(a));
    expect(combineMnemonics([messy, `\n${b.toUpperCase()}\n`])).toEqual(SECRET);
  });

  it('rejects prefixes shorter than four letters and words with extra letters', () => {
    const short = words(a);
    short[2] = short[2]!.slice(0, 3);
    expect(caught(() => decodeMnemonic(short.join(' '))).message).toMatch(/^Word 3 /);
    const long = words(a);
    long[3] = `${long[3]}s`;
    const error = caught(() => decodeMnemonic(long.join(' ')));
    expect(error.code).toBe('SHARE_WORD_UNKNOWN');
    expect(wordSuggestions(error)?.suggestions).toContain(words(a)[3]);
  });
});

describe('share sets', () => {
  it('the same share twice is a duplicate, even typed differently', () => {
    const error = caught(() => combineMnemonics([a, a.toUpperCase()]));
    expect(error.code).toBe('SHARE_DUPLICATE');
    expect(error.message).toBe('Share 2 is the same share as share 1, given twice.');
  });

  it('shares from two different splits are a mismatch naming the identifier', () => {
    const [[other]] = splitSecret({ ...base, identifier: (decodeMnemonic(a).identifier + 1) & 0x7fff }) as [[string]];
    const error = caught(() => combineMnemonics([a, other]));
    expect(error.code).toBe('SHARES_MISMATCH');
    expect(error.message).toMatch(/Shares 1 and 2 do not belong together: the identifier/);
    expectNoLeak(error, [a, other], SECRET);
  });

  it('two splits that happen to share an identifier fail the digest check', () => {
    const { identifier } = decodeMnemonic(a);
    const [[, other]] = splitSecret({ ...base, secret: SECRET.map((x) => x ^ 0xff), identifier, extendable: true }) as [[string, string]];
    const error = caught(() => combineMnemonics([a, other]));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toMatch(/^Group 1: /);
    expectNoLeak(error, [a, other], SECRET);
  });

  it('mismatched iteration exponent and extendable flag are named', () => {
    const { identifier } = decodeMnemonic(a);
    const [[, slow]] = splitSecret({ ...base, identifier, iterationExponent: 1 }) as [[string, string]];
    expect(caught(() => combineMnemonics([a, slow])).message).toMatch(/iteration exponent/);
    const [[, old]] = splitSecret({ ...base, identifier, extendable: false }) as [[string, string]];
    expect(caught(() => combineMnemonics([a, old])).message).toMatch(/extendable flag/);
  });

  describe('two-level split: 2 of 3 groups (2-of-3, 3-of-5, 1-of-1)', () => {
    const groups = splitSecret({
      secret: SECRET,
      groupThreshold: 2,
      groups: [
        { threshold: 2, count: 3 },
        { threshold: 3, count: 5 },
        { threshold: 1, count: 1 },
      ],
      iterationExponent: 0,
    });
    const [g1, g2, g3] = groups as [string[], string[], string[]];

    it('too few shares: the message says how many more per group', () => {
      const error = caught(() => combineMnemonics([g1[0]!, g2[3]!]));
      expect(error.code).toBe('SHARES_INSUFFICIENT');
      expect(error.message).toBe('Not enough shares to recover the secret: group 1 needs 1 more share; group 2 needs 2 more shares.');
      expectNoLeak(error, [g1[0]!, g2[3]!], SECRET);
    });

    it('too few groups: the message says how many more groups', () => {
      const error = caught(() => combineMnemonics([g1[2]!, g1[0]!]));
      expect(error.code).toBe('SHARES_INSUFFICIENT');
      expect(error.message).toBe('Not enough shares to recover the secret: shares from 1 more group are needed (any 2 of the 3 groups).');
    });

    it('exactly the thresholds recovers, in any order', () => {
      expect(combineMnemonics([g2[4]!, g3[0]!, g2[0]!, g2[2]!])).toEqual(SECRET);
      expect(combineMnemonics([g1[1]!, g3[0]!, g1[2]!])).toEqual(SECRET);
    });

    it('more than the thresholds is refused, as the spec requires', () => {
      expect(caught(() => combineMnemonics([g1[0]!, g1[1]!, g3[0]!, g2[0]!])).code).toBe('SHARES_TOO_MANY');
      expect(caught(() => combineMnemonics([g1[0]!, g1[1]!, g1[2]!, g3[0]!])).message).toMatch(/Group 1 needs exactly 2 shares but 3 were given/);
    });

    it('a share re-labelled as another group passes every check but the digest', () => {
      // A forged share with a valid checksum: group 3's share claiming to be group 2's.
      const forged = encodeShare({ ...decodeMnemonic(g3[0]!), groupIndex: 1 }).join(' ');
      const error = caught(() => combineMnemonics([g1[0]!, g1[1]!, forged]));
      expect(error.code).toBe('SHARE_DIGEST');
      expect(error.message).not.toMatch(/^Group/);
    });

    it('empty input', () => {
      expect(caught(() => combineMnemonics([])).code).toBe('SHARES_INSUFFICIENT');
    });
  });
});

describe('arguments', () => {
  it.each([
    ['a threshold of 1 with more than one share', { groups: [{ threshold: 1, count: 2 }] }, /threshold of 1 requires a count of 1/],
    ['a group threshold above the group count', { groupThreshold: 2 }, /group threshold/],
    ['a 15-byte secret', { secret: new Uint8Array(15) }, /at least 16 bytes/],
    ['an odd-length secret', { secret: new Uint8Array(17) }, /even number/],
    ['a threshold above the count', { groups: [{ threshold: 4, count: 3 }] }, /threshold must be from 1/],
    ['17 shares', { groups: [{ threshold: 2, count: 17 }] }, /share count/],
    ['iteration exponent 16', { iterationExponent: 16 }, /iteration exponent/],
    ['identifier 32768', { identifier: 32768 }, /identifier/],
    ['a non-ASCII passphrase', { passphrase: 'pässword' }, /printable ASCII/],
  ] as const)('split refuses %s', (_name, change, message) => {
    const error = caught(() => splitSecret({ ...base, ...change }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  it('combine refuses a passphrase the spec does not allow instead of guessing its bytes', () => {
    const error = caught(() => combineMnemonics([a, b], 'hunter2\u00e9'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).not.toContain('hunter2');
  });

  it('defaults: extendable, iteration exponent 1, a fresh random identifier per split, empty passphrase', () => {
    const splits = [0, 1, 2].map(() => splitSecret({ secret: SECRET, groupThreshold: 1, groups: [{ threshold: 1, count: 1 }] })[0]![0]!);
    const shares = splits.map((m) => decodeMnemonic(m));
    for (const share of shares) expect(share).toMatchObject({ extendable: true, iterationExponent: 1 });
    expect(new Set(shares.map((s) => s.identifier)).size).toBeGreaterThan(1);
    expect(combineMnemonics([splits[0]!])).toEqual(SECRET);
    expect(combineMnemonics([splits[0]!], '')).toEqual(SECRET);
  });

  it('shares of c combine with a (sanity for the fixtures above)', () => {
    expect(combineMnemonics([c, a])).toEqual(SECRET);
  });
});
