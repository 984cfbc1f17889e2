import { CustosError } from '../../../../shared/errors.js';
import { WORDLIST } from './words.js';

export { WORDLIST };

/** Every word in the list is unique by its first four letters (a SLIP-0039 design rule). */
export const PREFIX_LENGTH = 4;

const BY_PREFIX = new Map<string, number>(WORDLIST.map((word, index) => [word.slice(0, PREFIX_LENGTH), index]));

/**
 * Index of a word typed in full or shortened to a prefix of at least four
 * letters (as people do when they copy shares by hand). Case-insensitive.
 * Returns null, does not throw, when the text names no word.
 */
export function wordIndex(typed: string): number | null {
  const text = typed.toLowerCase();
  if (text.length < PREFIX_LENGTH) return null;
  const index = BY_PREFIX.get(text.slice(0, PREFIX_LENGTH));
  if (index === undefined) return null;
  return WORDLIST[index]?.startsWith(text) === true ? index : null;
}

/** The word at an index; throws on an index outside 0..1023 (a bug, not bad input). */
export function wordAt(index: number): string {
  const word = WORDLIST[index];
  if (word === undefined) throw new CustosError('INTERNAL', `word index out of range: ${index}`);
  return word;
}

/** Splits typed text into words: any run of whitespace separates, case is ignored. */
export function splitWords(text: string): string[] {
  const trimmed = text.trim().toLowerCase();
  return trimmed.length === 0 ? [] : trimmed.split(/\s+/u);
}

/**
 * An unknown word. The message names only its position: the closest words
 * are very often the right one, so they are share material and travel
 * separately, in `suggestions`, for a person at a terminal to see.
 */
export class UnknownWordError extends CustosError {
  constructor(
    readonly position: number,
    readonly suggestions: readonly string[],
  ) {
    super('SHARE_WORD_UNKNOWN', `Word ${position} is not in the SLIP-39 word list.`);
  }
}

/** The suggestions of an UnknownWordError anywhere in an error's cause chain, or null. */
export function wordSuggestions(error: unknown): { position: number; suggestions: readonly string[] } | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof UnknownWordError) return { position: e.position, suggestions: e.suggestions };
  }
  return null;
}

/** Converts a typed mnemonic to word indices; an unknown word throws UnknownWordError. */
export function mnemonicToIndices(text: string): number[] {
  return splitWords(text).map((typed, position) => {
    const index = wordIndex(typed);
    if (index !== null) return index;
    throw new UnknownWordError(position + 1, suggest(typed));
  });
}

export const MAX_SUGGESTION_DISTANCE = 3;

/**
 * The closest words to a misspelled one, at edit distance 3 or less
 * (transpositions count as one edit), best first, at most `limit`. Since a
 * prefix of four letters or more is accepted input, a typed text is also
 * compared with the same-length start of longer words, but such a match
 * ranks just below a whole word at the same distance: on the official list
 * no single typo has more than four whole words at distance 1, so with the
 * default limit the intended word is always among them.
 */
export function suggest(typed: string, limit = 5): string[] {
  const text = typed.toLowerCase();
  // Scores are doubled distances; +1 marks a prefix-only match.
  const maxScore = 2 * MAX_SUGGESTION_DISTANCE + 1;
  const scored: Array<{ word: string; score: number }> = [];
  for (const word of WORDLIST) {
    let score = 2 * editDistance(text, word, MAX_SUGGESTION_DISTANCE);
    if (text.length >= PREFIX_LENGTH && text.length < word.length) {
      score = Math.min(score, 2 * editDistance(text, word.slice(0, text.length), MAX_SUGGESTION_DISTANCE) + 1);
    }
    if (score <= maxScore) scored.push({ word, score });
  }
  const best = Math.min(...scored.map((c) => c.score));
  return scored
    .filter((c) => c.score <= best + 1)
    .sort((x, y) => x.score - y.score || (x.word < y.word ? -1 : 1))
    .slice(0, limit)
    .map((c) => c.word);
}

let scratchWidth = 16;
let scratchRows = [0, 1, 2].map(() => new Uint32Array(scratchWidth));

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two
 * adjacent letters). Stops early once the distance must exceed `max`, and
 * then returns max + 1.
 */
export function editDistance(a: string, b: string, max = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Three rolling rows (a swap looks two rows back), reused across calls:
  // suggest() runs this twice per word of the list.
  if (width > scratchWidth) scratchRows = [0, 1, 2].map(() => new Uint32Array((scratchWidth = width)));
  let [before, previous, current] = scratchRows as [Uint32Array, Uint32Array, Uint32Array];
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    // Row minima never decrease (a swap adds 1 to a cell two rows up, which
    // is at least the diagonal cell in between), so the result exceeds max too.
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, max + 1);
}
