import type { KeyAlgorithm, KeyInfo, KeyPurpose, KeyState } from '../../../shared/keys.js';
import type { Db } from './sqlite.js';

/** A key version joined with its key, as stored. */
export interface VersionRow {
  key_id: number;
  name: string;
  client_id: string | null;
  zone_id: string | null;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  current_version: number;
  version: number;
  state: KeyState;
  public_key: Uint8Array | null;
  sealed: Uint8Array | null;
  /** 1 when only the public part is held; `sealed` then authenticates the fingerprint. */
  public_only: number;
  fingerprint: string;
  created_at: string;
  /** The KEK that wraps this key's records; null: the master key. */
  kek_id: number | null;
}

export interface KeyRow {
  id: number;
  name: string;
  client_id: string | null;
  zone_id: string | null;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  current_version: number;
  created_at: string;
  kek_id: number | null;
}

const VERSION_COLUMNS = `k.id AS key_id, k.name, k.client_id, k.zone_id, k.purpose, k.algorithm, k.current_version,
  v.version, v.state, v.public_key, v.sealed, v.public_only, v.fingerprint, v.created_at, k.kek_id`;

/** A row of VERSION_COLUMNS, in order, as SQLite returns it in raw mode. */
type VersionValues = [number, string, string | null, string | null, KeyPurpose, KeyAlgorithm, number, number, KeyState, Uint8Array | null, Uint8Array | null, number, string, string, number | null];

/** A version as a listing shows it: without the public key and sealed material, which a listing never reads. */
export type ListedRow = Omit<VersionRow, 'public_key' | 'sealed'>;

// Reading a thousand rows' blobs only to drop them was a tenth of `custos keys list`.
const LISTED_COLUMNS = `k.id AS key_id, k.name, k.client_id, k.zone_id, k.purpose, k.algorithm, k.current_version,
  v.version, v.state, v.public_only, v.fingerprint, v.created_at, k.kek_id`;

export interface ListFilter {
  clientId?: string | undefined;
  zoneId?: string | undefined;
  purpose?: KeyPurpose | undefined;
  state?: KeyState | undefined;
  allVersions?: boolean | undefined;
}

export function toKeyInfo(row: ListedRow): KeyInfo {
  return {
    name: row.name,
    clientId: row.client_id,
    zoneId: row.zone_id,
    purpose: row.purpose,
    algorithm: row.algorithm,
    version: row.version,
    state: row.state,
    fingerprint: row.fingerprint,
    createdAt: row.created_at,
    // Only present when true, so listings of ordinary keystores are unchanged.
    ...(row.public_only === 1 && row.state !== 'destroyed' ? { publicOnly: true as const } : {}),
  };
}

/** Prepared statements over the key tables; nothing here knows about crypto. */
export class KeyRows {
  private readonly byName;
  private readonly versionsOf;
  private readonly insertKey;
  private readonly insertVersion;
  private readonly setState;
  private readonly setCurrent;
  private readonly destroyVersion;

  constructor(private readonly db: Db) {
    this.byName = db.prepare<[string], KeyRow>('SELECT * FROM keys WHERE name = ?');
    this.versionsOf = db.prepare<[number], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.id = ? ORDER BY v.version`,
    );
    this.insertKey = db.prepare<[string, string | null, string | null, string, string, number, string, number | null]>(
      'INSERT INTO keys (name, client_id, zone_id, purpose, algorithm, current_version, created_at, kek_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertVersion = db.prepare<[number, number, KeyState, Uint8Array | null, Uint8Array, string, string, string]>(
      `INSERT INTO key_versions (key_id, version, state, public_key, sealed, fingerprint, created_at, changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setState = db.prepare<[KeyState, string, number, number]>(
      'UPDATE key_versions SET state = ?, changed_at = ? WHERE key_id = ? AND version = ?',
    );
    this.setCurrent = db.prepare<[number, number]>('UPDATE keys SET current_version = ? WHERE id = ?');
    this.destroyVersion = db.prepare<[string, number, number]>(
      "UPDATE key_versions SET state = 'destroyed', sealed = NULL, changed_at = ? WHERE key_id = ? AND version = ?",
    );
  }

  key(name: string): KeyRow | undefined {
    return this.byName.get(name);
  }

  versions(keyId: number): VersionRow[] {
    return this.versionsOf.all(keyId);
  }

  list(filter: ListFilter): ListedRow[] {
    const where: string[] = filter.allVersions ? [] : ['v.version = k.current_version'];
    const args: string[] = [];
    const conditions: Array<[string, string | undefined]> = [
      ['k.client_id = ?', filter.clientId],
      ['k.zone_id = ?', filter.zoneId],
      ['k.purpose = ?', filter.purpose],
      ['v.state = ?', filter.state],
    ];
    for (const [sql, value] of conditions) {
      if (value === undefined) continue;
      where.push(sql);
      args.push(value);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db
      .prepare<string[], ListedRow>(`SELECT ${LISTED_COLUMNS} FROM key_versions v JOIN keys k ON k.id = v.key_id ${clause} ORDER BY k.name, v.version`)
      .all(...args);
  }

  /**
   * Every version in storage order, for checks over large stores. Read raw and
   * made into objects here: better-sqlite3 builds a row object property by
   * property, which cost more per row than the rest of reading it.
   */
  *iterateAll(): Generator<VersionRow> {
    const statement = this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM key_versions v JOIN keys k ON k.id = v.key_id ORDER BY k.id, v.version`).raw(true);
    for (const r of statement.iterate() as IterableIterator<VersionValues>) {
      yield { key_id: r[0], name: r[1], client_id: r[2], zone_id: r[3], purpose: r[4], algorithm: r[5], current_version: r[6], version: r[7], state: r[8], public_key: r[9], sealed: r[10], public_only: r[11], fingerprint: r[12], created_at: r[13], kek_id: r[14] };
    }
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM key_versions').get() as { n: number }).n;
  }

  addKey(row: Omit<KeyRow, 'id' | 'kek_id'> & { kek_id?: number | null }): number {
    const result = this.insertKey.run(row.name, row.client_id, row.zone_id, row.purpose, row.algorithm, row.current_version, row.created_at, row.kek_id ?? null);
    return Number(result.lastInsertRowid);
  }

  addVersion(keyId: number, version: number, state: KeyState, publicKey: Uint8Array | null, sealed: Uint8Array, fingerprint: string, at: string): void {
    this.insertVersion.run(keyId, version, state, publicKey, sealed, fingerprint, at, at);
  }

  updateState(keyId: number, version: number, state: KeyState, at: string): void {
    this.setState.run(state, at, keyId, version);
  }

  updateCurrent(keyId: number, version: number): void {
    this.setCurrent.run(version, keyId);
  }

  destroy(keyId: number, version: number, at: string): void {
    this.destroyVersion.run(at, keyId, version);
  }
}
