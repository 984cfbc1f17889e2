/**
 * openAcraFolder, the one path by which `custos acra import` and the app's
 * folder import open a keystore v1: the folder is read before the key (so a
 * missing folder is named without reading the key file), every file opens
 * under the right key, and the key is wiped after, whether the files opened
 * or not.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAcraFolder } from '../../../src-main/core/acra/importKeys.js';
import { caughtCustosError } from '../../helpers/errorCode.js';
import { tempDir } from '../../helpers/tmp.js';
import { acraKeymakerFolder } from './acraFolder.js';

describe('openAcraFolder', () => {
  it('opens every file under the right key and wipes the key after', async () => {
    const dir = join(tempDir(), '.acrakeys');
    const { clear } = await acraKeymakerFolder(dir, new Uint8Array(32).fill(5), 'orders-svc');
    const key = new Uint8Array(32).fill(5);
    const entries = openAcraFolder(dir, () => key);
    expect(new Map(entries.map((e) => [e.path, e.content]))).toEqual(clear);
    expect(key).toEqual(new Uint8Array(32));
  });

  it('names a missing folder before the key is read; a wrong key is ACRA_WRONG_MASTER_KEY and is wiped too', async () => {
    const root = tempDir();
    let keyReads = 0;
    const missing = caughtCustosError(() =>
      openAcraFolder(join(root, 'absent'), () => {
        keyReads += 1;
        return new Uint8Array(32);
      }),
    );
    expect(missing.message).toContain(join(root, 'absent'));
    expect(keyReads).toBe(0);
    const dir = join(root, '.acrakeys');
    await acraKeymakerFolder(dir, new Uint8Array(32).fill(5), 'orders-svc');
    const wrong = new Uint8Array(32).fill(6);
    expect(caughtCustosError(() => openAcraFolder(dir, () => wrong)).code).toBe('ACRA_WRONG_MASTER_KEY');
    expect(wrong).toEqual(new Uint8Array(32));
  });
});
