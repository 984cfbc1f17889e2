import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { withOpen } from '../bundle/helpers.js';
import { makeVault } from '../../helpers/keystore.js';

const columns = (db: Database.Database) => (db.prepare('PRAGMA table_info(imported_audit_history)').all() as Array<{ name: string }>).map((c) => c.name);

describe('migration 008 (audit histories imported with bundles)', () => {
  it('a schema-7 keystore gains the table on its next unlock; the schema is 8', async () => {
    const vault = await makeVault();
    // Back to schema 7 exactly: the table gone, the version lowered.
    const db7 = new Database(vault.path);
    db7.exec('DROP TABLE imported_audit_history');
    db7.exec('DROP TABLE IF EXISTS ceremony_session'); // made by migration 009

    db7.pragma('user_version = 7');
    db7.close();
    await withOpen(vault, (ks) => ks.info());
    const db = new Database(vault.path, { readonly: true });
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(8);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(columns(db)).toEqual(['id', 'source_keystore_id', 'source_vault_fingerprint', 'exported_at', 'head_seq', 'head_hash', 'document', 'document_sha256', 'verified', 'bundle_id', 'pair_fingerprint', 'imported_at']);
    } finally {
      db.close();
    }
  });

  it('the table refuses malformed rows: ids and hashes of the wrong length, a verdict other than 0 or 1, a document stored twice', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path);
    try {
      const insert = db.prepare('INSERT INTO imported_audit_history (source_keystore_id, source_vault_fingerprint, exported_at, head_seq, head_hash, document, document_sha256, verified, bundle_id, pair_fingerprint, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const row = (over: Partial<Record<'id' | 'hash' | 'digest' | 'verified', unknown>> = {}) => [over.id ?? Buffer.alloc(16), 'fp', 'at', 1, over.hash ?? Buffer.alloc(32), '{}', over.digest ?? Buffer.alloc(32, 1), over.verified ?? 1, 'b', 'p', 'at'];
      insert.run(...row());
      expect(() => insert.run(...row({ digest: Buffer.alloc(32, 1) }))).toThrow(/UNIQUE/);
      expect(() => insert.run(...row({ id: Buffer.alloc(15), digest: Buffer.alloc(32, 2) }))).toThrow(/CHECK/);
      expect(() => insert.run(...row({ hash: Buffer.alloc(31), digest: Buffer.alloc(32, 3) }))).toThrow(/CHECK/);
      expect(() => insert.run(...row({ verified: 2, digest: Buffer.alloc(32, 4) }))).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
