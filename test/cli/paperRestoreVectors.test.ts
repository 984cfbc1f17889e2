import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import { restoreSecret } from '../../src-main/core/paper/restore.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { caughtCustosError } from '../helpers/errorCode.js';

/** The official vectors (python-shamir-mnemonic/vectors.json): [description, mnemonics, secret hex, xprv]. */
type Vector = [string, string[], string, string];
const VECTORS = JSON.parse(readFileSync(new URL('../vectors/slip39-vectors.json', import.meta.url), 'utf8')) as Vector[];
const PASSPHRASE = 'TREZOR';

/** What `custos paper restore` must answer for each invalid vector: code and a hint of the message. First match wins. */
const EXPECTED: ReadonlyArray<[RegExp, ErrorCode, RegExp]> = [
  [/invalid checksum/i, 'SHARE_CHECKSUM', /^stdin line 1: .*checksum/],
  [/invalid padding/i, 'SHARE_PADDING', /^stdin line 1: .*padding/],
  [/different identifiers/i, 'SHARES_MISMATCH', /2 different ceremonies: ceremony \d+ \(stdin line 1\); ceremony \d+ \(stdin line 2\)/],
  [/different iteration exponents/i, 'SHARES_MISMATCH', /disagree on the iteration exponent \(stdin line 1 says \d+; stdin line 2 says \d+\)/],
  [/mismatching group thresholds/i, 'SHARES_MISMATCH', /disagree on the group threshold \(.*stdin line 1.*stdin line 3/],
  [/mismatching group counts/i, 'SHARES_MISMATCH', /disagree on the group count \(stdin line 1 says \d+ groups; stdin line 2 says \d+ groups\)/],
  [/greater group threshold than group counts/i, 'SHARE_INVALID', /groups are needed out of only/],
  [/duplicate member indices/i, 'SHARE_DUPLICATE', /stdin line 1 and stdin line 2 both claim to be share 3 of group 1/],
  [/mismatching member thresholds/i, 'SHARES_MISMATCH', /disagree on the member threshold of group 1/],
  [/invalid digest/i, 'SHARE_DIGEST', /digest/],
  [/insufficient length/i, 'SHARE_LENGTH', /at least 20/],
  [/invalid master secret length/i, 'SHARE_LENGTH', /No SLIP-39 share has 21 words/],
  [/insufficient number of groups/i, 'SHARES_INSUFFICIENT', /more group/],
  [/insufficient number of members/i, 'SHARES_INSUFFICIENT', /group 4 has 1 of 2 and needs 1 more share/],
  [/basic sharing 2-of-3/i, 'SHARES_INSUFFICIENT', /group 1 has 1 of 2 and needs 1 more share/],
];

function expectedFor(description: string): [ErrorCode, RegExp] {
  const hit = EXPECTED.find(([pattern]) => pattern.test(description));
  if (!hit) throw new Error(`no expected error for vector "${description}"`);
  return [hit[1], hit[2]];
}

const inputs = (mnemonics: string[]) => mnemonics.map((text, i) => ({ source: `stdin line ${i + 1}`, text }));
function restore(mnemonics: string[]) {
  const passphraseFile = join(tempDir(), 'slip39-passphrase.txt');
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  return runInProcess(['paper', 'restore', '--shares-stdin', '--print', '--json', '--share-passphrase-file', passphraseFile], { stdin: `${mnemonics.join('\n')}\n` });
}

const errorOf = caughtCustosError;

describe('every official SLIP-0039 vector through restoreSecret and `custos paper restore`', () => {
  it('has the full official set (45 vectors, 15 valid)', () => {
    expect(VECTORS).toHaveLength(45);
    expect(VECTORS.filter(([, , secret]) => secret !== '')).toHaveLength(15);
  });

  it.each(VECTORS)('%s', async (description, mnemonics, secret) => {
    const result = await restore(mnemonics);
    if (secret !== '') {
      expect(Buffer.from(restoreSecret(inputs(mnemonics), PASSPHRASE).secret).toString('hex')).toBe(secret);
      expect(result.code, result.stderr).toBe(0);
      const printed = JSON.parse(result.stdout) as { secret: string; sharesUsed: string[] };
      expect(Buffer.from(printed.secret, 'base64').toString('hex')).toBe(secret);
      expect(printed.sharesUsed).toHaveLength(mnemonics.length);
      return;
    }
    const [code, hint] = expectedFor(description);
    const error = errorOf(() => restoreSecret(inputs(mnemonics), PASSPHRASE));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(hint);
    expect(result.code).toBe(1);
    const reported = JSON.parse(result.stdout) as { code: string; message: string; secret?: string };
    expect(reported.code).toBe(code);
    expect(reported.message).toMatch(hint);
    expect(reported.secret).toBeUndefined();
  });

  it('vectors 8 and 27 (a lone 1-of-1 share beside a 2-group set) restore nothing: one forged sheet cannot choose the key', () => {
    for (const n of [8, 27]) {
      const [description, mnemonics] = VECTORS[n - 1] as Vector;
      expect(description).toMatch(/mismatching group thresholds/);
      const error = errorOf(() => restoreSecret(inputs(mnemonics), PASSPHRASE));
      expect(error.code).toBe('SHARES_MISMATCH');
      for (const line of [1, 2, 3]) expect(error.message).toContain(`stdin line ${line}`);
    }
  });

  it('vectors 7 and 9 name their one ceremony once', () => {
    for (const n of [7, 9, 26, 28]) {
      const [, mnemonics] = VECTORS[n - 1] as Vector;
      const message = errorOf(() => restoreSecret(inputs(mnemonics), PASSPHRASE)).message;
      expect(message.match(/ceremony \d+/g), message).toHaveLength(1);
    }
  });
});
