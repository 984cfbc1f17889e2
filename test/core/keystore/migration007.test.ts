import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createKeystore } from '../../../src-main/core/keystore/create.js';
import { lockedVaultIdentity } from '../../../src-main/core/keystore/vaultIdentity.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { APPLICATION_ID } from '../../../src-main/core/keystore/sqlite.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { keyCheckValue, masterKeyCheck, paperTagKey, vaultFingerprintOf } from '../../../src-main/core/masterkey/subkeys.js';
import { shareTag } from '../../../src-main/core/paper/ceremony.js';
import { checkShare } from '../../../src-main/core/paper/paperVault.js';
import { splitSecret } from '../../../src-main/core/paper/slip39/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { exportFrom, importInto, type TestVaultLike } from './bundleTrip.js';

const OLD_ID = '0635-d5ae-9f01-77c2';
const OLD_FINGERPRINT = '80aa-b4fd-1c2e-3d4f';

/** A keystore as Custos wrote it at schema 3: one paper ceremony whose tags are keyed with the keystore id (scheme 1). */
function schemaV3Keystore(): { path: string; masterKey: Uint8Array; keystoreId: Uint8Array; mnemonics: string[]; identifier: number } {
  const path = join(tempDir(), 'v3.db');
  const masterKey = generateMasterKey();
  const keystoreId = new Uint8Array(randomBytes(16));
  const mnemonics = splitSecret({ secret: new Uint8Array(masterKey), groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], identifier: 4242 })[0] ?? [];
  const db = new Database(path);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('journal_mode = WAL');
  for (const m of MIGRATIONS.filter((m) => m.version <= 3)) db.exec(m.up);
  db.pragma('user_version = 3');
  const at = '2025-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO keystore (singleton, keystore_id, key_check, created_at) VALUES (1, ?, ?, ?)').run(keystoreId, keyCheckValue(masterKey, keystoreId), at);
  db.prepare(
    `INSERT INTO paper_ceremonies (id, created_at, identifier, group_threshold, groups, iteration_exponent, extendable, passphrase_used, vault_fingerprint, master_key_check)
     VALUES (?, ?, 4242, 1, '[{"threshold":2,"count":3}]', 1, 1, 0, ?, ?)`,
  ).run(OLD_ID, at, OLD_FINGERPRINT, masterKeyCheck(masterKey));
  const tagKey = paperTagKey(masterKey, keystoreId);
  const share = db.prepare('INSERT INTO paper_shares (ceremony_id, group_index, member_index, custodian, tag) VALUES (?, 0, ?, ?, ?)');
  mnemonics.forEach((m, i) => share.run(OLD_ID, i, i === 0 ? 'Ana' : null, shareTag(tagKey, m, 1)));
  db.close();
  return { path, masterKey, keystoreId, mnemonics, identifier: 4242 };
}

describe('migration 007 (vault identity; tag scheme, salt and origin of ceremonies)', () => {
  it('upgrades a keystore on unlock: its vault fingerprint is stored, old ceremonies keep scheme 1 with this keystore id as salt', async () => {
    const old = schemaV3Keystore();
    // Locked and not yet upgraded: nothing to show, and reading writes nothing.
    expect(lockedVaultIdentity(old.path)).toEqual({ vaultFingerprint: null, vaultName: null });
    const ks = await openKeystore(old.path, { kind: 'master-key', masterKey: new Uint8Array(old.masterKey) });
    try {
      expect(ks.info()).toMatchObject({ schemaVersion: SCHEMA_VERSION, vaultFingerprint: vaultFingerprintOf(old.masterKey), vaultName: null });
      // The old sheet is still genuine, and named as it printed itself.
      const checked = checkShare(old.mnemonics[0] ?? '', ks);
      expect(checked).toMatchObject({ genuine: true, ceremonyId: OLD_ID, match: { custodian: 'Ana', ceremony: { vaultFingerprint: OLD_FINGERPRINT, tagScheme: 1 } } });
    } finally {
      ks.close();
    }
    expect(lockedVaultIdentity(old.path)).toEqual({ vaultFingerprint: vaultFingerprintOf(old.masterKey), vaultName: null });
    const db = new Database(old.path, { readonly: true });
    try {
      expect(db.prepare('SELECT vault_fingerprint, vault_name FROM keystore').get()).toEqual({ vault_fingerprint: vaultFingerprintOf(old.masterKey), vault_name: null });
      const row = db.prepare('SELECT tag_scheme, tag_salt, imported_from FROM paper_ceremonies').get() as { tag_scheme: number; tag_salt: Uint8Array; imported_from: string | null };
      expect(row.tag_scheme).toBe(1);
      expect(Buffer.from(row.tag_salt).equals(Buffer.from(old.keystoreId))).toBe(true);
      expect(row.imported_from).toBeNull();
    } finally {
      db.close();
    }
  });

  it('an old ceremony stays checkable after it travels: its salt goes with it to a keystore with another id', async () => {
    const old = schemaV3Keystore();
    const source: TestVaultLike = { path: old.path, masterKey: old.masterKey, dir: tempDir() };
    const exported = await exportFrom(source);
    const target = join(tempDir(), 'restored.db');
    await createKeystore(target, { masterKey: new Uint8Array(old.masterKey) });
    await importInto({ path: target, masterKey: old.masterKey, dir: tempDir() }, exported.bundle, exported.accessKeys);
    const ks = await openKeystore(target, { kind: 'master-key', masterKey: new Uint8Array(old.masterKey) });
    try {
      expect(checkShare(old.mnemonics[2] ?? '', ks)).toMatchObject({ genuine: true, ceremonyId: OLD_ID });
    } finally {
      ks.close();
    }
  });

  it('the schema refuses a scheme-2 ceremony with a salt, and a scheme-1 ceremony without one', () => {
    const db = new Database(':memory:');
    try {
      for (const m of MIGRATIONS) db.exec(m.up);
      const insert = db.prepare(
        `INSERT INTO paper_ceremonies (id, created_at, identifier, group_threshold, groups, iteration_exponent, extendable, passphrase_used, vault_fingerprint, master_key_check, tag_scheme, tag_salt)
         VALUES (?, 'now', 1, 1, '[]', 1, 1, 0, 'f', 'c', ?, ?)`,
      );
      expect(() => insert.run('a', 2, Buffer.alloc(16))).toThrow(/CHECK/);
      expect(() => insert.run('b', 1, null)).toThrow(/CHECK/);
      insert.run('c', 2, null);
      insert.run('d', 1, Buffer.alloc(16));
    } finally {
      db.close();
    }
  });

  it('a stored vault fingerprint that is not the master key\'s is refused at unlock (KEYSTORE_CORRUPT), and nothing is written', async () => {
    const path = join(tempDir(), 'edited.db');
    const masterKey = generateMasterKey();
    await createKeystore(path, { masterKey: new Uint8Array(masterKey) });
    const db = new Database(path);
    db.prepare("UPDATE keystore SET vault_fingerprint = '0000-1111-2222-3333'").run();
    db.close();
    await expect(openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) })).rejects.toMatchObject({ code: 'KEYSTORE_CORRUPT' });
    const after = new Database(path, { readonly: true });
    expect((after.prepare('SELECT vault_fingerprint FROM keystore').get() as { vault_fingerprint: string }).vault_fingerprint).toBe('0000-1111-2222-3333');
    after.close();
  });
});
