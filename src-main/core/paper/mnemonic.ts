import { WORDLIST, wordIndex } from './slip39/index.js';

/**
 * The canonical text of a mnemonic: lower case, single spaces, every word
 * spelled out in full (people may type only the first four letters). Words
 * not in the list are kept as typed so decoding can say which one is wrong.
 */
export function normalizeMnemonic(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((word) => {
      const index = wordIndex(word);
      return index === null ? word : (WORDLIST[index] ?? word);
    })
    .join(' ');
}
