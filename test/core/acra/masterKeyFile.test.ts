/**
 * Reading an Acra master key file, as `--acra-master-key-file` and the app's
 * file dialog both do (one core function): the key from the file's base64; an
 * unreadable file is INVALID_ARGUMENT and a file that holds no key is
 * ACRA_MASTER_KEY_MALFORMED, each naming the file and never its contents.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAcraMasterKeyFile } from '../../../src-main/core/acra/masterKey.js';
import { caughtCustosError } from '../../helpers/errorCode.js';
import { tempDir } from '../../helpers/tmp.js';

describe('readAcraMasterKeyFile', () => {
  it("returns the key in the file's base64 (a trailing newline allowed)", () => {
    const file = join(tempDir(), 'acra.key');
    writeFileSync(file, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    expect(readAcraMasterKeyFile(file)).toEqual(new Uint8Array(32).fill(7));
  });

  it('names an unreadable file (INVALID_ARGUMENT) and a file with no key (ACRA_MASTER_KEY_MALFORMED), never the contents', () => {
    const dir = tempDir();
    const missing = caughtCustosError(() => readAcraMasterKeyFile(join(dir, 'absent.key')));
    expect(missing.code).toBe('INVALID_ARGUMENT');
    expect(missing.message).toBe(`cannot read ${join(dir, 'absent.key')}: ENOENT`);
    const short = join(dir, 'short.key');
    const text = Buffer.alloc(16, 9).toString('base64');
    writeFileSync(short, text);
    const malformed = caughtCustosError(() => readAcraMasterKeyFile(short));
    expect(malformed.code).toBe('ACRA_MASTER_KEY_MALFORMED');
    expect(malformed.message).toContain(short);
    expect(malformed.message).not.toContain(text);
  });
});
