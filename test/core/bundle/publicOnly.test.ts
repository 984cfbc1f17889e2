import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateMaterial } from '../../../src-main/core/catalog/material.js';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { materialFingerprint } from '../../../src-main/core/keystore/recordOpener.js';
import { migration001 } from '../../../src-main/core/keystore/migrations/001_initial.js';
import { SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { sealRecord } from '../../../src-main/core/keystore/records.js';
import { APPLICATION_ID } from '../../../src-main/core/keystore/sqlite.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { keyCheckValue, recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { tempDir } from '../../helpers/tmp.js';
import { expectCode } from './helpers.js';

/** A keystore file as Custos wrote it before migration 002: schema v1, one key with two versions (one destroyed). */
function schemaV1Keystore(): { path: string; masterKey: Uint8Array; secret: Uint8Array } {
  const path = join(tempDir(), 'v1.db');
  const masterKey = generateMasterKey();
  const keystoreId = new Uint8Array(randomBytes(16));
  const material = generateMaterial('x25519');
  const db = new Database(path);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('journal_mode = WAL');
  db.exec(migration001.up);
  db.pragma('user_version = 1');
  const at = '2025-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO keystore (singleton, keystore_id, key_check, created_at) VALUES (1, ?, ?, ?)').run(keystoreId, keyCheckValue(masterKey, keystoreId), at);
  db.prepare("INSERT INTO keys (id, name, client_id, zone_id, purpose, algorithm, current_version, created_at) VALUES (1, 'old-client_storage', 'old-client', NULL, 'storage', 'x25519', 2, ?)").run(at);
  const sealed = sealRecord(recordWrapKey(masterKey, keystoreId), material.secret, { keystoreId, name: 'old-client_storage', purpose: 'storage', algorithm: 'x25519', version: 2, publicKey: material.publicKey });
  const insert = db.prepare('INSERT INTO key_versions (key_id, version, state, public_key, sealed, fingerprint, created_at, changed_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)');
  insert.run(1, 'destroyed', material.publicKey, null, '0'.repeat(32), at, at);
  insert.run(2, 'active', material.publicKey, sealed, materialFingerprint('x25519', material.secret, material.publicKey), at, at);
  db.close();
  return { path, masterKey, secret: material.secret };
}

describe('migration 002 (public-only versions)', () => {
  it('migrates a v1 keystore forward on unlock, keeping every version and its sealed material', async () => {
    const v1 = schemaV1Keystore();
    const ks = await openKeystore(v1.path, { kind: 'master-key', masterKey: v1.masterKey });
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
      expect(ks.info().schemaVersion).toBe(SCHEMA_VERSION);
      expect(ks.list({ allVersions: true }).map((k) => [k.version, k.state, k.publicOnly])).toEqual([
        [1, 'destroyed', undefined],
        [2, 'active', undefined],
      ]);
      const current = [...ks.versionRows()].find((r) => r.version === 2)!;
      expect(Buffer.from(ks.openSecret(current)).equals(Buffer.from(v1.secret))).toBe(true);
      expect(checkKeystore(ks).problems).toEqual([]);
    } finally {
      ks.close();
    }
    const db = new Database(v1.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const columns = (db.pragma('table_info(key_versions)') as Array<{ name: string }>).map((c) => c.name);
    expect(columns).toContain('public_only');
    db.close();
  });

  it('keeps the invariant: sealed is NULL exactly when a version is destroyed (a public-only version carries a seal)', async () => {
    const v1 = schemaV1Keystore();
    (await openKeystore(v1.path, { kind: 'master-key', masterKey: v1.masterKey })).close();
    const db = new Database(v1.path);
    try {
      const insert = db.prepare("INSERT INTO key_versions (key_id, version, state, public_key, sealed, public_only, fingerprint, created_at, changed_at) VALUES (1, ?, ?, NULL, ?, ?, 'f', 't', 't')");
      expect(() => insert.run(3, 'active', null, 0)).toThrow(/CHECK constraint/);
      expect(() => insert.run(4, 'active', null, 1)).toThrow(/CHECK constraint/);
      expect(() => insert.run(5, 'destroyed', Buffer.alloc(41), 0)).toThrow(/CHECK constraint/);
      expect(() => insert.run(6, 'sleeping', Buffer.alloc(41), 1)).toThrow(/CHECK constraint/);
      insert.run(7, 'active', Buffer.alloc(41), 1);
      insert.run(8, 'destroyed', null, 1);
    } finally {
      db.close();
    }
  });

  it('a public-only version: listed as such, its secret refused with KEY_PUBLIC_ONLY, its public key served once its seal opens', async () => {
    const v1 = schemaV1Keystore();
    (await openKeystore(v1.path, { kind: 'master-key', masterKey: v1.masterKey })).close();
    // Turn version 2 into what an import of a public-only bundle writes: the fingerprint sealed under the record identity.
    const makePublicOnly = (publicKey: Uint8Array, fingerprint: string) =>
      withDb(v1.path, (db) => {
        const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
        const identity = { keystoreId, name: 'old-client_storage', purpose: 'storage' as const, algorithm: 'x25519' as const, version: 2, publicKey };
        const seal = sealRecord(recordWrapKey(v1.masterKey, keystoreId), new TextEncoder().encode(fingerprint), identity, 'public-only');
        db.prepare('UPDATE key_versions SET sealed = ?, public_only = 1, public_key = ?, fingerprint = ? WHERE version = 2').run(seal, publicKey, fingerprint);
      });
    const genuine = withDb(v1.path, (db) => db.prepare('SELECT public_key, fingerprint FROM key_versions WHERE version = 2').get() as { public_key: Uint8Array; fingerprint: string });
    makePublicOnly(genuine.public_key, genuine.fingerprint);
    const ks = await openKeystore(v1.path, { kind: 'master-key', masterKey: v1.masterKey });
    try {
      expect(ks.get('old-client_storage').versions[1]).toMatchObject({ state: 'active', publicOnly: true });
      const row = [...ks.versionRows()].find((r) => r.version === 2)!;
      const error = await expectCode(() => ks.openSecret(row), 'KEY_PUBLIC_ONLY');
      expect(error.message).toContain('old-client_storage');
      expect(ks.publicKeyPem('old-client_storage')).toContain('BEGIN PUBLIC KEY');
      expect(checkKeystore(ks)).toEqual({ opened: 0, destroyed: 1, publicOnly: 1, problems: [] });
    } finally {
      ks.close();
    }
    // Someone who can write the file but not unlock it swaps in their own public key with its matching
    // fingerprint: consistent with each other, but the seal no longer opens, so both paths refuse it.
    const attacker = generateMaterial('x25519');
    withDb(v1.path, (db) =>
      db.prepare('UPDATE key_versions SET public_key = ?, fingerprint = ? WHERE version = 2').run(attacker.publicKey, materialFingerprint('x25519', attacker.secret, attacker.publicKey)),
    );
    const ks2 = await openKeystore(v1.path, { kind: 'master-key', masterKey: v1.masterKey });
    try {
      await expectCode(() => ks2.publicKeyPem('old-client_storage'), 'KEY_RECORD_TAMPERED');
      expect(checkKeystore(ks2).problems.map((p) => p.code)).toEqual(['KEY_RECORD_TAMPERED']);
    } finally {
      ks2.close();
    }
  });
});

function withDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
