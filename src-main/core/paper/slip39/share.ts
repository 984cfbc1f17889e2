import { CustosError } from '../../../../shared/errors.js';
import { WordReader, WordWriter } from './bits.js';
import { CHECKSUM_WORDS, createChecksum, verifyChecksum } from './rs1024.js';
import { mnemonicToIndices, wordAt } from './wordlist.js';

/**
 * One SLIP-0039 share. Indices are the 0-based x coordinates of the spec;
 * thresholds and counts are the real numbers (1..16), not their encoding.
 * `value` is secret material: wipe it when done.
 */
export interface Share {
  /** 15-bit random identifier, shared by all shares of one split. */
  readonly identifier: number;
  /** When set, the identifier is not part of the encryption salt. */
  readonly extendable: boolean;
  /** PBKDF2 runs 10000 × 2^e iterations in total. */
  readonly iterationExponent: number;
  readonly groupIndex: number;
  readonly groupThreshold: number;
  readonly groupCount: number;
  readonly memberIndex: number;
  readonly memberThreshold: number;
  readonly value: Uint8Array;
}

/** id + ext + e fill two words, the group and member fields two more, the checksum three. */
const HEADER_WORDS = 4;
export const METADATA_WORDS = HEADER_WORDS + CHECKSUM_WORDS;
/** A 128-bit value needs 13 words (130 bits), so no share is shorter than 20 words. */
export const MIN_SHARE_WORDS = METADATA_WORDS + 13;

function checkField(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CustosError('INVALID_ARGUMENT', `Share ${name} must be an integer from ${min} to ${max}.`);
  }
}

/** Encodes a share as its words. Throws INVALID_ARGUMENT on out-of-range fields. */
export function encodeShare(share: Share): string[] {
  checkField('identifier', share.identifier, 0, 0x7fff);
  checkField('iteration exponent', share.iterationExponent, 0, 15);
  checkField('group index', share.groupIndex, 0, 15);
  checkField('group threshold', share.groupThreshold, 1, 16);
  checkField('group count', share.groupCount, share.groupThreshold, 16);
  checkField('member index', share.memberIndex, 0, 15);
  checkField('member threshold', share.memberThreshold, 1, 16);
  if (share.value.length < 16 || share.value.length % 2 !== 0) {
    throw new CustosError('INVALID_ARGUMENT', 'A share value must be at least 16 bytes and an even number of bytes long.');
  }
  const valueBits = share.value.length * 8;
  const padding = Math.ceil(valueBits / 10) * 10 - valueBits;

  const writer = new WordWriter()
    .push(share.identifier, 15)
    .push(share.extendable ? 1 : 0, 1)
    .push(share.iterationExponent, 4)
    .push(share.groupIndex, 4)
    .push(share.groupThreshold - 1, 4)
    .push(share.groupCount - 1, 4)
    .push(share.memberIndex, 4)
    .push(share.memberThreshold - 1, 4)
    .push(0, padding);
  for (const byte of share.value) writer.push(byte, 8);
  const data = writer.finish();
  return [...data, ...createChecksum(data, share.extendable)].map(wordAt);
}

const LENGTH_HINT = 'A 128-bit secret gives shares of 20 words, a 256-bit secret 33 words.';

/**
 * Decodes and checks one share: known words, a length some share can have,
 * the checksum, zero padding and group threshold ≤ group count. Accepts any
 * case, extra whitespace and words shortened to their first four letters.
 * Messages name positions and counts, never the words themselves.
 */
export function decodeShare(text: string): Share {
  const words = mnemonicToIndices(text);
  if (words.length < MIN_SHARE_WORDS) {
    throw new CustosError('SHARE_LENGTH', `The share has ${words.length} words; a SLIP-39 share has at least ${MIN_SHARE_WORDS}. ${LENGTH_HINT}`);
  }
  const valueBits = (words.length - METADATA_WORDS) * 10;
  const padding = valueBits % 16;
  if (padding > 8) {
    throw new CustosError('SHARE_LENGTH', `No SLIP-39 share has ${words.length} words: a word is missing or one too many. ${LENGTH_HINT}`);
  }

  const header = new WordReader(words);
  const identifier = header.read(15);
  const extendable = header.read(1) === 1;
  if (!verifyChecksum(words, extendable)) {
    throw new CustosError(
      'SHARE_CHECKSUM',
      'The share fails its checksum. The likely cause is a mistyped word or two words in the wrong order: compare each word with the paper, in order.',
    );
  }
  const iterationExponent = header.read(4);
  const groupIndex = header.read(4);
  const groupThreshold = header.read(4) + 1;
  const groupCount = header.read(4) + 1;
  const memberIndex = header.read(4);
  const memberThreshold = header.read(4) + 1;
  if (groupThreshold > groupCount) {
    throw new CustosError('SHARE_INVALID', `The share says ${groupThreshold} groups are needed out of only ${groupCount}; no valid split does that.`);
  }

  if (header.read(padding) !== 0) {
    throw new CustosError('SHARE_PADDING', 'The share has non-zero padding bits: it is damaged or was not made by a SLIP-39 implementation.');
  }
  const value = new Uint8Array((valueBits - padding) / 8);
  for (let i = 0; i < value.length; i++) value[i] = header.read(8);

  return { identifier, extendable, iterationExponent, groupIndex, groupThreshold, groupCount, memberIndex, memberThreshold, value };
}
