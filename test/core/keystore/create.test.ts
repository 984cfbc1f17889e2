import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeystore } from '../../../src-main/core/keystore/create.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { applyPragmas, openSqlite } from '../../../src-main/core/keystore/sqlite.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { FAST_KDF, makeVault } from '../../helpers/keystore.js';
import { sha256File, tempDir } from '../../helpers/tmp.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('createKeystore', () => {
  it('creates the file 0600 inside a folder it creates 0700, and leaves no temporary files', async () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b', 'custos.db');
    await createKeystore(path, { masterKey: generateMasterKey() });
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, 'a', 'b'))).toBe(0o700);
    expect(mode(join(dir, 'a'))).toBe(0o700);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['custos.db']);
  });

  it('refuses to overwrite an existing file and leaves it byte-for-byte unchanged', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    writeFileSync(path, 'precious data');
    const before = sha256File(path);
    await expect(createKeystore(path, { masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'KEYSTORE_EXISTS' });
    expect(sha256File(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['custos.db']);
  });

  it('refuses to overwrite an existing keystore', async () => {
    const vault = await makeVault();
    const before = sha256File(vault.path);
    await expect(createKeystore(vault.path, { masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'KEYSTORE_EXISTS' });
    expect(sha256File(vault.path)).toBe(before);
  });

  it('rejects a master key that is not 32 bytes', async () => {
    const path = join(tempDir(), 'custos.db');
    await expect(createKeystore(path, { masterKey: new Uint8Array(31) })).rejects.toMatchObject({ code: 'MASTER_KEY_MALFORMED' });
  });

  it('writes the current schema version and WAL journal mode into the file', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('sets synchronous=FULL on the connection it opens (better-sqlite3 would leave NORMAL)', async () => {
    const vault = await makeVault();
    const db = openSqlite(vault.path);
    expect(db.pragma('synchronous', { simple: true })).not.toBe(2);
    applyPragmas(db, vault.path);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.close();
  });

  it('never stores the raw master key, in the file or its WAL, with or without a passphrase', async () => {
    for (const passphrase of [undefined, 'correct horse battery staple']) {
      const vault = await makeVault(passphrase ? { passphrase } : {});
      const ks = await vault.open();
      ks.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'global' }]);
      const files = readdirSync(join(vault.dir, 'vault')).map((f) => readFileSync(join(vault.dir, 'vault', f)));
      expect(files.length).toBeGreaterThanOrEqual(1);
      for (const bytes of files) {
        expect(bytes.indexOf(Buffer.from(vault.masterKey))).toBe(-1);
        expect(bytes.indexOf(Buffer.from(Buffer.from(vault.masterKey).toString('base64')))).toBe(-1);
      }
      ks.close();
    }
  });

  it('stores passphrase parameters that unlock it again, and the master key still unlocks it', async () => {
    const path = join(tempDir(), 'custos.db');
    const masterKey = generateMasterKey();
    await createKeystore(path, { masterKey, passphrase: { text: 'pässwörd ✓', params: FAST_KDF() } });
    const byPassphrase = await openKeystore(path, { kind: 'passphrase', passphrase: 'pässwörd ✓' });
    expect(byPassphrase.info().unlockMethods).toEqual([expect.objectContaining({ kind: 'passphrase' })]);
    const id = byPassphrase.keystoreId;
    byPassphrase.close();
    const byKey = await openKeystore(path, { kind: 'master-key', masterKey });
    expect(byKey.keystoreId).toBe(id);
    byKey.close();
  });
});
