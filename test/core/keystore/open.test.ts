import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unlockNotesPath, RECORDED_UNLOCK_FAILURES } from '../../../src-main/core/audit/unlockNotes.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { makeVault } from '../../helpers/keystore.js';
import { sha256File, tempDir } from '../../helpers/tmp.js';

/**
 * Runs `fn`, expects it to fail with `code`, and checks the file and its folder are exactly as
 * before, except that a wrong key or passphrase is noted in the failed-unlocks file beside it
 * (the audit log cannot hold it without the key; see docs/formats/audit.md).
 */
async function expectUntouched(path: string, code: string, fn: () => Promise<unknown>): Promise<void> {
  const before = sha256File(path);
  const listing = readdirSync(dirname(path)).sort();
  const sidecar = unlockNotesPath(path);
  const noted = existsSync(sidecar) ? readFileSync(sidecar, 'utf8').split('\n').filter(Boolean).length : 0;
  await expect(fn()).rejects.toMatchObject({ code });
  expect(sha256File(path)).toBe(before);
  const recorded = RECORDED_UNLOCK_FAILURES.includes(code);
  const expected = recorded ? [...new Set([...listing, basename(sidecar)])].sort() : listing;
  expect(readdirSync(dirname(path)).sort()).toEqual(expected);
  if (recorded) {
    const lines = readFileSync(sidecar, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(noted + 1);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ v: 1, code, actor: null, method: expect.stringMatching(/^(master-key|passphrase)$/) });
    expect(statSync(sidecar).mode & 0o777).toBe(0o600);
  }
}

describe('openKeystore: bad input leaves the keystore exactly as it was', () => {
  it('a wrong master key fails with WRONG_MASTER_KEY', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one' }]);
    ks.close();
    await expectUntouched(vault.path, 'WRONG_MASTER_KEY', () => openKeystore(vault.path, { kind: 'master-key', masterKey: generateMasterKey() }));
  });

  it('a wrong passphrase fails with WRONG_PASSPHRASE; the right one opens', async () => {
    const vault = await makeVault({ passphrase: 'right' });
    await expectUntouched(vault.path, 'WRONG_PASSPHRASE', () => openKeystore(vault.path, { kind: 'passphrase', passphrase: 'wrong' }));
    const ks = await openKeystore(vault.path, { kind: 'passphrase', passphrase: 'right' });
    ks.close();
  });

  it('a passphrase on a keystore that has none says to use the master key', async () => {
    const vault = await makeVault();
    await expectUntouched(vault.path, 'MASTER_KEY_MISSING', () => openKeystore(vault.path, { kind: 'passphrase', passphrase: 'x' }));
  });

  it('lowered KDF parameters (an attacker editing the row) no longer unlock, even with the right passphrase', async () => {
    const vault = await makeVault({ passphrase: 'right' });
    const db = new Database(vault.path);
    const row = db.prepare('SELECT params FROM unlock_methods').get() as { params: string };
    const params = JSON.parse(row.params) as { iterations: number };
    db.prepare('UPDATE unlock_methods SET params = ?').run(JSON.stringify({ ...params, iterations: params.iterations + 1 }));
    db.close();
    await expectUntouched(vault.path, 'WRONG_PASSPHRASE', () => openKeystore(vault.path, { kind: 'passphrase', passphrase: 'right' }));
  });

  it('a missing file fails with KEYSTORE_NOT_FOUND and is not created', async () => {
    const path = join(tempDir(), 'nothing-here.db');
    await expect(openKeystore(path, { kind: 'master-key', masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'KEYSTORE_NOT_FOUND' });
    expect(existsSync(path)).toBe(false);
  });

  it('random bytes fail with KEYSTORE_CORRUPT', async () => {
    const path = join(tempDir(), 'custos.db');
    writeFileSync(path, randomBytes(8192));
    await expectUntouched(path, 'KEYSTORE_CORRUPT', () => openKeystore(path, { kind: 'master-key', masterKey: generateMasterKey() }));
  });

  it('a truncated keystore fails with KEYSTORE_CORRUPT', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate(Array.from({ length: 40 }, (_, i) => ({ scope: 'client' as const, clientId: `client-${i}` })));
    ks.close();
    const size = readFileSync(vault.path).length;
    truncateSync(vault.path, Math.floor(size / 3));
    await expectUntouched(vault.path, 'KEYSTORE_CORRUPT', async () => {
      const opened = await openKeystore(vault.path, { kind: 'master-key', masterKey: vault.masterKey });
      try {
        opened.list();
      } finally {
        opened.close();
      }
    });
  });

  it('a SQLite file that is not a Custos keystore fails with NOT_A_KEYSTORE', async () => {
    const path = join(tempDir(), 'other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.close();
    await expectUntouched(path, 'NOT_A_KEYSTORE', () => openKeystore(path, { kind: 'master-key', masterKey: generateMasterKey() }));
  });

  it('a keystore from a newer schema fails with KEYSTORE_NEWER_SCHEMA, before any unlock or migration', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path);
    db.pragma('user_version = 99');
    db.close();
    await expectUntouched(vault.path, 'KEYSTORE_NEWER_SCHEMA', () => openKeystore(vault.path, { kind: 'master-key', masterKey: vault.masterKey }));
  });

  it('a copy of a keystore opens with its master key only (the check value travels with the file)', async () => {
    const vault = await makeVault();
    const copy = join(vault.dir, 'copy.db');
    copyFileSync(vault.path, copy);
    const ks = await openKeystore(copy, { kind: 'master-key', masterKey: vault.masterKey });
    ks.close();
    await expectUntouched(copy, 'WRONG_MASTER_KEY', () => openKeystore(copy, { kind: 'master-key', masterKey: generateMasterKey() }));
  });

  it('a closed keystore refuses further use with KEYSTORE_LOCKED', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.close();
    expect(() => ks.list()).toThrow(expect.objectContaining({ code: 'KEYSTORE_LOCKED' }));
  });
});

describe('openKeystore: the schema must be exactly what the migrations make', () => {
  it('refuses a planted trigger (one that would keep destroyed material) before unlocking, and changes nothing', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path);
    db.exec(`CREATE TABLE stash (sealed BLOB);
      CREATE TRIGGER keep AFTER UPDATE OF sealed ON key_versions WHEN NEW.sealed IS NULL BEGIN INSERT INTO stash VALUES (OLD.sealed); END;`);
    db.close();
    const before = sha256File(vault.path);
    await expect(openKeystore(vault.path, { kind: 'master-key', masterKey: vault.masterKey })).rejects.toMatchObject({
      code: 'KEYSTORE_CORRUPT',
      message: expect.stringContaining('unexpected trigger keep'),
    });
    expect(sha256File(vault.path)).toBe(before);
  });

  it('refuses a loosened table definition and a dropped index', async () => {
    const loosened = await makeVault();
    const db = new Database(loosened.path);
    db.exec('ALTER TABLE keys ADD COLUMN note TEXT');
    db.close();
    await expect(openKeystore(loosened.path, { kind: 'master-key', masterKey: loosened.masterKey })).rejects.toMatchObject({ message: expect.stringContaining('altered table keys') });
    const dropped = await makeVault();
    const db2 = new Database(dropped.path);
    db2.exec('DROP INDEX keys_by_client');
    db2.close();
    await expect(openKeystore(dropped.path, { kind: 'master-key', masterKey: dropped.masterKey })).rejects.toMatchObject({ message: expect.stringContaining('missing index keys_by_client') });
  });
});
