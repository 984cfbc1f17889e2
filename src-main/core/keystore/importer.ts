import type { KeyHeader, KeyState } from '../../../shared/keys.js';
import type { RecordOpener } from './recordOpener.js';
import type { Db } from './sqlite.js';

/** One version of a key as it travels between keystores: the secret in the clear, or absent. */
export interface PortableVersion {
  version: number;
  state: KeyState;
  publicKey: Uint8Array | null;
  /** null when destroyed, or when only the public part travels. */
  secret: Uint8Array | null;
  fingerprint: string;
  createdAt: string;
  changedAt: string;
}

export interface PortableKey extends KeyHeader {
  createdAt: string;
  versions: PortableVersion[];
}

export type Presence = 'absent' | 'present' | 'imported';

/**
 * Writes imported keys into this keystore, re-sealing every secret under its
 * own record wrapping key and identity. Only used inside the immediate
 * transaction `Keystore.importKeys` opens, so a failure anywhere keeps none of it.
 * The caller has validated each key (names, versions, fingerprints) first.
 */
export class KeyImporter {
  private readonly find;
  private readonly insertKey;
  private readonly insertVersion;
  private readonly deleteVersions;
  private readonly deleteKey;
  /** Rows with a higher id were written by this import. */
  private readonly lastIdBefore: number;
  /** Whether this import deleted a key (--on-conflict replace): its old sealed bytes may sit in the WAL. */
  removedAny = false;

  constructor(
    db: Db,
    private readonly records: RecordOpener,
  ) {
    this.find = db.prepare<[string], { id: number }>('SELECT id FROM keys WHERE name = ?');
    this.insertKey = db.prepare<[string, string | null, string | null, string, string, number, string]>(
      'INSERT INTO keys (name, client_id, zone_id, purpose, algorithm, current_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertVersion = db.prepare<[number, number, KeyState, Uint8Array | null, Uint8Array | null, number, string, string, string]>(
      `INSERT INTO key_versions (key_id, version, state, public_key, sealed, public_only, fingerprint, created_at, changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteVersions = db.prepare<[number]>('DELETE FROM key_versions WHERE key_id = ?');
    this.deleteKey = db.prepare<[number]>('DELETE FROM keys WHERE id = ?');
    this.lastIdBefore = (db.prepare('SELECT coalesce(max(id), 0) AS id FROM keys').get() as { id: number }).id;
  }

  /** Whether a key of that name exists, and whether this import wrote it (a name twice in one bundle). */
  presence(name: string): Presence {
    const row = this.find.get(name);
    if (!row) return 'absent';
    return row.id > this.lastIdBefore ? 'imported' : 'present';
  }

  /** Deletes a key and all its versions (secure_delete zeroes the freed pages). */
  remove(name: string): void {
    const row = this.find.get(name);
    if (!row) return;
    this.removedAny = true;
    this.deleteVersions.run(row.id);
    this.deleteKey.run(row.id);
  }

  /**
   * Inserts the key and its versions. Returns false, having written nothing,
   * when a key of that name exists: the UNIQUE index answers that, which is
   * cheaper than a lookup before every insert of a large import.
   */
  insert(key: PortableKey): boolean {
    let keyId: number;
    try {
      keyId = Number(this.insertKey.run(key.name, key.clientId, key.zoneId, key.purpose, key.algorithm, key.currentVersion, key.createdAt).lastInsertRowid);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
    for (const v of key.versions) {
      const identity = this.records.identity({ name: key.name, purpose: key.purpose, algorithm: key.algorithm, version: v.version, public_key: v.publicKey });
      const publicOnly = v.secret === null && v.state !== 'destroyed';
      const sealed = v.secret ? this.records.sealSecret(identity, v.secret) : publicOnly ? this.records.sealPublicOnly(identity, v.fingerprint) : null;
      this.insertVersion.run(keyId, v.version, v.state, v.publicKey, sealed, publicOnly ? 1 : 0, v.fingerprint, v.createdAt, v.changedAt);
    }
    return true;
  }
}
