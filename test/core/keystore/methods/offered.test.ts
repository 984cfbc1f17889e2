/**
 * What a locked vault's unlock screen may learn: the methods' ids, kinds and
 * labels, read from a real keystore file without unlocking it or writing to it.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addUnlockMethod } from '../../../../src-main/core/keystore/methods/manage.js';
import { offeredUnlockMethods } from '../../../../src-main/core/keystore/methods/offered.js';
import { errorCodeOf } from '../../../helpers/errorCode.js';
import { FAST_KDF, makeVault } from '../../../helpers/keystore.js';
import { sha256File, tempDir } from '../../../helpers/tmp.js';

const PASS = 'offered methods passphrase';

async function vaultWithTwoPassphrases() {
  const v = await makeVault({ passphrase: PASS });
  const ks = await v.open();
  await addUnlockMethod(ks, { kind: 'passphrase', passphrase: 'the second custodian', params: FAST_KDF(), label: 'custodian B' });
  ks.close();
  return v;
}

describe('offeredUnlockMethods (a locked keystore)', () => {
  it('lists every method by id, kind and label, and nothing of how it unlocks', async () => {
    const v = await vaultWithTwoPassphrases();
    const offered = offeredUnlockMethods(v.path);
    expect(offered.map(({ id, kind, label }) => ({ id, kind, label }))).toEqual([
      { id: 1, kind: 'passphrase', label: 'passphrase' },
      { id: 2, kind: 'passphrase', label: 'custodian B' },
    ]);
    for (const m of offered) {
      expect(Object.keys(m).sort()).toEqual(['createdAt', 'id', 'kind', 'label']);
      expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
    }
  });

  it('leaves the keystore file byte for byte as it was', async () => {
    const v = await vaultWithTwoPassphrases();
    const before = sha256File(v.path);
    offeredUnlockMethods(v.path);
    offeredUnlockMethods(v.path);
    expect(sha256File(v.path)).toBe(before);
  });

  it('refuses a missing file, a file that is not a keystore, and an altered one, each with its code', async () => {
    const dir = tempDir();
    expect(await errorCodeOf((async () => offeredUnlockMethods(join(dir, 'absent.db')))())).toBe('KEYSTORE_NOT_FOUND');

    const other = join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)').close();
    expect(await errorCodeOf((async () => offeredUnlockMethods(other))())).toBe('NOT_A_KEYSTORE');

    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    expect(await errorCodeOf((async () => offeredUnlockMethods(garbage))())).toBe('KEYSTORE_CORRUPT');

    const v = await vaultWithTwoPassphrases();
    const db = new Database(v.path);
    db.prepare("UPDATE unlock_methods SET kind = 'backdoor' WHERE id = 2").run();
    db.close();
    expect(await errorCodeOf((async () => offeredUnlockMethods(v.path))())).toBe('UNLOCK_METHOD_TAMPERED');

    const planted = await vaultWithTwoPassphrases();
    const db2 = new Database(planted.path);
    db2.exec("CREATE TRIGGER spy AFTER UPDATE ON unlock_methods BEGIN SELECT 1; END");
    db2.close();
    expect(await errorCodeOf((async () => offeredUnlockMethods(planted.path))())).toBe('KEYSTORE_CORRUPT');
  });
});
