/**
 * SLIP-0039 (Shamir's Secret-Sharing for Mnemonic Codes): the public API of
 * Custos paper shares. Shares made here combine in any SLIP-0039
 * implementation (Trezor, python-shamir-mnemonic, ...) and the reverse.
 */
import type { Share } from './share.js';
import { decodeShare } from './share.js';

export { combineMnemonics, recoverEncryptedSecret } from './combine.js';
export type { EncryptedSecret } from './combine.js';
export { decryptMasterSecret, passphraseBytes } from './cipher.js';
export { splitSecret } from './split.js';
export type { GroupSpec, SplitOptions } from './split.js';
export type { Share } from './share.js';
export { UnknownWordError, WORDLIST, suggest, wordIndex, wordSuggestions } from './wordlist.js';

/**
 * Decodes and checks one share on its own (word list, length, checksum,
 * padding, group threshold ≤ group count), e.g. as a custodian finishes
 * typing it. Whether it fits with other shares is only known on combining.
 * The returned `value` is secret material: wipe it when done.
 */
export function decodeMnemonic(text: string): Share {
  return decodeShare(text);
}
