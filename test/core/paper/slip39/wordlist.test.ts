import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../../shared/errors.js';
import { WORDLIST, editDistance, mnemonicToIndices, suggest, wordIndex } from '../../../../src-main/core/paper/slip39/wordlist.js';

/** The published list, kept by the project beside the vectors; not shipped in this repo. */
const PUBLISHED = new URL('../../../../../shared/vectors/slip39-wordlist.txt', import.meta.url);
const published = existsSync(PUBLISHED);
if (!published) console.warn(`slip39 word list: ${PUBLISHED.pathname} is missing, so the word-for-word comparison is skipped.`);

describe('SLIP-39 word list', () => {
  it('has 1024 unique lowercase words of 4 to 8 letters, sorted', () => {
    expect(WORDLIST).toHaveLength(1024);
    expect(new Set(WORDLIST).size).toBe(1024);
    for (const word of WORDLIST) expect(word).toMatch(/^[a-z]{4,8}$/);
    expect([...WORDLIST].sort()).toEqual(WORDLIST);
  });

  it('has a unique 4-letter prefix for every word', () => {
    expect(new Set(WORDLIST.map((w) => w.slice(0, 4))).size).toBe(1024);
  });

  it('starts and ends where the published list does', () => {
    expect(WORDLIST.slice(0, 3)).toEqual(['academic', 'acid', 'acne']);
    expect(WORDLIST[1023]).toBe('zero');
  });

  it.skipIf(!published)('is identical to the published list', () => {
    const lines = readFileSync(PUBLISHED, 'utf8').split('\n').filter((line) => line !== '');
    expect(WORDLIST).toEqual(lines);
  });
});

describe('word lookup', () => {
  it('finds every word by itself and by each prefix of 4 letters or more, in any case', () => {
    WORDLIST.forEach((word, index) => {
      for (let n = 4; n <= word.length; n++) expect(wordIndex(word.slice(0, n))).toBe(index);
      expect(wordIndex(word.toUpperCase())).toBe(index);
    });
  });

  it('rejects shorter prefixes, extra letters and unknown words', () => {
    expect(wordIndex('aca')).toBeNull();
    expect(wordIndex('academics')).toBeNull();
    expect(wordIndex('acadx')).toBeNull();
    expect(wordIndex('bitcoin')).toBeNull();
    expect(wordIndex('')).toBeNull();
  });

  it('reports the 1-based position of the first unknown word', () => {
    try {
      mnemonicToIndices('academic  ACID\tacne qwertyui acquire');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CustosError);
      expect((error as CustosError).code).toBe('SHARE_WORD_UNKNOWN');
      expect((error as CustosError).message).toMatch(/^Word 4 is not in the SLIP-39 word list\./);
    }
    expect(mnemonicToIndices('  academic  ACID\n acne ')).toEqual([0, 1, 2]);
  });
});

describe('suggestions', () => {
  it('computes edit distance with adjacent swaps as one edit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abcd', 'abdc')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    // Bounded: stops early and reports max + 1, never less than the truth.
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('abcdefgh', 'badcfehg', 3)).toBe(4);
    expect(editDistance('abcdefgh', 'badcfehg')).toBe(4);
    expect(editDistance('ab', 'abcdefgh', 3)).toBe(4);
  });

  it('includes the intended word for a typo of each kind in every word', () => {
    // One position and letter per word, varied across the list, keeps this fast;
    // a one-off exhaustive run (every position, all 26 letters) found at most
    // four whole words at distance 1 from any single typo.
    WORDLIST.forEach((word, n) => {
      const i = n % word.length;
      const letter = String.fromCharCode(97 + (n % 26));
      const j = Math.min(i, word.length - 2);
      const typos = [
        word.slice(0, i) + word.slice(i + 1), // dropped letter
        word.slice(0, i) + letter + word.slice(i + 1), // wrong letter
        word.slice(0, i) + letter + word.slice(i), // extra letter
        word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2), // swapped letters
      ];
      for (const typo of typos) {
        if (typo === word || wordIndex(typo) !== null) continue;
        expect(suggest(typo), `${word} <- ${typo}`).toContain(word);
      }
    });
  });

  it('prefers the closest words and gives up beyond distance 3', () => {
    expect(suggest('academc')).toEqual(['academic']);
    // "dress" and "dryer" are at distance 2 from "dreem": only the closest is offered.
    expect(suggest('dreem')).toEqual(['dream']);
    expect(suggest('sistem')).toEqual(['sister', 'system']);
    expect(suggest('qqqqqqqq')).toEqual([]);
    // Whole words at distance 1 rank before a prefix at distance 1 ("dead…" of "deadline").
    expect(suggest('deam').slice(0, 3)).toEqual(['beam', 'deal', 'dream']);
    expect(suggest('deam')).toContain('deadline');
    // A shortened word with a typo still finds its word.
    expect(suggest('acadx')).toContain('academic');
  });
});
