import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { withOpen } from '../bundle/helpers.js';
import { makeVault } from '../../helpers/keystore.js';

const columns = (db: Database.Database) => (db.prepare('PRAGMA table_info(ceremony_session)').all() as Array<{ name: string }>).map((c) => c.name);

describe('migration 009 (the app ceremony wizard session)', () => {
  it('a schema-8 keystore gains the table on its next unlock; the schema is 9', async () => {
    const vault = await makeVault();
    const db8 = new Database(vault.path);
    db8.exec('DROP TABLE ceremony_session');
    db8.pragma('user_version = 8');
    db8.close();
    await withOpen(vault, (ks) => ks.info());
    const db = new Database(vault.path, { readonly: true });
    try {
      expect(SCHEMA_VERSION).toBe(9);
      expect(db.pragma('user_version', { simple: true })).toBe(9);
      expect(columns(db)).toEqual(['id', 'session_id', 'session', 'updated_at']);
    } finally {
      db.close();
    }
  });

  it('holds one session at most, with a 32-character id and valid JSON', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path);
    try {
      const insert = db.prepare('INSERT INTO ceremony_session (id, session_id, session, updated_at) VALUES (?, ?, ?, ?)');
      const id = 'a'.repeat(32);
      insert.run(1, id, '{}', 'at');
      expect(() => insert.run(2, id, '{}', 'at')).toThrow(/CHECK/);
      expect(() => insert.run(1, id, '{}', 'at')).toThrow(/UNIQUE|PRIMARY/);
      db.prepare('DELETE FROM ceremony_session').run();
      expect(() => insert.run(1, 'short', '{}', 'at')).toThrow(/CHECK/);
      expect(() => insert.run(1, id, '{not json', 'at')).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });

  it('the schema check refuses a keystore whose session table was altered', async () => {
    const vault = await makeVault();
    const db = new Database(vault.path);
    db.exec('DROP TABLE ceremony_session; CREATE TABLE ceremony_session (id INTEGER PRIMARY KEY, session_id TEXT, session TEXT, updated_at TEXT) STRICT;');
    db.close();
    await expect(withOpen(vault, (ks) => ks.info())).rejects.toMatchObject({ code: 'KEYSTORE_CORRUPT' });
  });
});
