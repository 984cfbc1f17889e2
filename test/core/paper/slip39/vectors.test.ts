import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../../shared/errors.js';
import { combineMnemonics, decodeMnemonic, decryptMasterSecret, passphraseBytes, recoverEncryptedSecret } from '../../../../src-main/core/paper/slip39/index.js';
import { createChecksum } from '../../../../src-main/core/paper/slip39/rs1024.js';
import { encodeShare } from '../../../../src-main/core/paper/slip39/share.js';
import { mnemonicToIndices, wordAt } from '../../../../src-main/core/paper/slip39/wordlist.js';
import { caughtCustosError } from '../../../helpers/errorCode.js';

/** The official vectors (python-shamir-mnemonic/vectors.json): [description, mnemonics, secret hex, xprv]. */
type Vector = [string, string[], string, string];
const VECTORS = JSON.parse(readFileSync(new URL('../../../vectors/slip39-vectors.json', import.meta.url), 'utf8')) as Vector[];
/** SLIP-0039, "Test vectors": the passphrase "TREZOR" is used for all valid sets of mnemonics. */
const PASSPHRASE = 'TREZOR';

const valid = VECTORS.filter(([, , secret]) => secret !== '');
const invalid = VECTORS.filter(([, , secret]) => secret === '');

/** Description keywords → the code (and message hint) each invalid vector must produce. First match wins. */
const EXPECTED: ReadonlyArray<[RegExp, ErrorCode, RegExp]> = [
  [/invalid checksum/i, 'SHARE_CHECKSUM', /wrong order/],
  [/invalid padding/i, 'SHARE_PADDING', /padding/],
  [/different identifiers/i, 'SHARES_MISMATCH', /identifier/],
  [/different iteration exponents/i, 'SHARES_MISMATCH', /iteration exponent/],
  [/mismatching group thresholds/i, 'SHARES_MISMATCH', /group threshold/],
  [/mismatching group counts/i, 'SHARES_MISMATCH', /group count/],
  [/greater group threshold than group counts/i, 'SHARE_INVALID', /2 groups are needed out of only 1/],
  [/duplicate member indices/i, 'SHARE_DUPLICATE', /member 3 of group 1/],
  [/mismatching member thresholds/i, 'SHARES_MISMATCH', /member threshold/],
  [/invalid digest/i, 'SHARE_DIGEST', /digest/],
  [/insufficient length/i, 'SHARE_LENGTH', /at least 20/],
  [/invalid master secret length/i, 'SHARE_LENGTH', /No SLIP-39 share has 21 words/],
  [/insufficient number of groups/i, 'SHARES_INSUFFICIENT', /more group/],
  [/insufficient number of members/i, 'SHARES_INSUFFICIENT', /group 4 needs 1 more share/],
  // One share of a 2-of-3 split: valid on its own, not enough to combine.
  [/basic sharing 2-of-3/i, 'SHARES_INSUFFICIENT', /group 1 needs 1 more share/],
];

function expectedFor(description: string): [ErrorCode, RegExp] {
  const hit = EXPECTED.find(([pattern]) => pattern.test(description));
  if (!hit) throw new Error(`no expected error for vector "${description}"`);
  return [hit[1], hit[2]];
}

const caught = caughtCustosError;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('SLIP-0039 official vectors', () => {
  it('has the full official set (45 vectors, 15 valid)', () => {
    expect(VECTORS).toHaveLength(45);
    expect(valid).toHaveLength(15);
  });

  it.each(valid)('%s recovers the master secret', (_description, mnemonics, secret) => {
    expect(hex(combineMnemonics(mnemonics, PASSPHRASE))).toBe(secret);
  });

  it.each(valid.filter(([, m]) => m.length > 1))('%s recovers in reverse order too', (_description, mnemonics, secret) => {
    expect(hex(combineMnemonics([...mnemonics].reverse(), PASSPHRASE))).toBe(secret);
  });

  it.each(invalid)('%s is rejected with the matching code', (description, mnemonics) => {
    const [code, hint] = expectedFor(description);
    const error = caught(() => combineMnemonics(mnemonics, PASSPHRASE));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(hint);
  });

  it.each(valid)('%s: the encrypted secret, decrypted once, is the master secret', (_description, mnemonics, secret) => {
    const { encrypted, ...params } = recoverEncryptedSecret(mnemonics);
    expect(hex(encrypted)).not.toBe(secret);
    expect(hex(decryptMasterSecret(encrypted, passphraseBytes(PASSPHRASE), params))).toBe(secret);
  });

  it.each(invalid)('%s: recoverEncryptedSecret refuses it with the same code', (description, mnemonics) => {
    expect(caught(() => recoverEncryptedSecret(mnemonics)).code).toBe(expectedFor(description)[0]);
  });

  it('a wrong passphrase yields a different secret, not an error (plausible deniability)', () => {
    const [, mnemonics, secret] = valid[0]!;
    const other = hex(combineMnemonics(mnemonics, 'TREZOR2'));
    expect(other).not.toBe(secret);
    expect(other).toHaveLength(secret.length);
  });

  it.each(valid.flatMap(([d, m]) => m.map((mnemonic) => [d, mnemonic] as const)))('%s: share re-encodes to the same words', (_d, mnemonic) => {
    const share = decodeMnemonic(mnemonic);
    expect(encodeShare(share).join(' ')).toBe(mnemonic);
  });
});

describe('extendable flag', () => {
  it('is set exactly on the vectors that say "extendable"', () => {
    for (const [description, mnemonics] of valid) {
      for (const mnemonic of mnemonics) {
        expect(decodeMnemonic(mnemonic).extendable, description).toBe(/extendable/i.test(description));
      }
    }
  });

  function reissue(mnemonic: string, identifier: number): string {
    const share = decodeMnemonic(mnemonic);
    return encodeShare({ ...share, identifier }).join(' ');
  }

  it('extendable: the identifier is not in the salt, so a new identifier keeps the secret', () => {
    const [, [mnemonic], secret] = VECTORS.find(([d]) => /valid extendable mnemonic without sharing \(128/i.test(d))!;
    const share = decodeMnemonic(mnemonic!);
    const moved = reissue(mnemonic!, share.identifier ^ 0x1234);
    expect(moved).not.toBe(mnemonic);
    expect(hex(combineMnemonics([moved], PASSPHRASE))).toBe(secret);
  });

  it('not extendable: "shamir" || id is the salt, so a new identifier changes the secret', () => {
    const [, [mnemonic], secret] = VECTORS.find(([d]) => /^1\. valid mnemonic without sharing/i.test(d))!;
    const share = decodeMnemonic(mnemonic!);
    expect(share.extendable).toBe(false);
    const moved = reissue(mnemonic!, share.identifier ^ 0x1234);
    expect(hex(combineMnemonics([moved], PASSPHRASE))).not.toBe(secret);
    // Sanity: re-encoding with the same identifier is the identity.
    expect(hex(combineMnemonics([reissue(mnemonic!, share.identifier)], PASSPHRASE))).toBe(secret);
  });

  it('the checksum uses "shamir_extendable" for extendable shares: one made with "shamir" fails', () => {
    const [, [mnemonic]] = VECTORS.find(([d]) => /valid extendable mnemonic without sharing \(128/i.test(d))!;
    const indices = mnemonicToIndices(mnemonic!);
    const data = indices.slice(0, -3);
    const forged = [...data, ...createChecksum(data, false)].map(wordAt).join(' ');
    expect(forged).not.toBe(mnemonic);
    expect(caught(() => decodeMnemonic(forged)).code).toBe('SHARE_CHECKSUM');
  });
});
