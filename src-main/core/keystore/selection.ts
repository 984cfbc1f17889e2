import { CustosError } from '../../../shared/errors.js';
import type { KeyAlgorithm, KeyPurpose, KeyState } from '../../../shared/keys.js';
import type { VersionRow } from './rows.js';
import type { Db } from './sqlite.js';

/** The app's selection: keys matching every field given (client id, zone id, purpose), as keys:list filters. */
export interface KeyFilter {
  clientId?: string | undefined;
  zoneId?: string | undefined;
  purpose?: KeyPurpose | undefined;
}

/** Which keys an export takes: every key, those of some client ids and/or some names (the CLI), or those a filter matches (the app). */
export type KeySelection = { all: true } | { all?: false; clientIds: readonly string[]; names: readonly string[] } | { all?: false; filter: KeyFilter };

/** A version row with what an export carries beyond `VersionRow`. */
export interface ExportRow extends VersionRow {
  key_created_at: string;
  changed_at: string;
}

/** A row of COLUMNS, in order, as SQLite returns it in raw mode. */
type ExportValues = [number, string, string | null, string | null, KeyPurpose, KeyAlgorithm, number, string, number, KeyState, Uint8Array | null, Uint8Array | null, number, string, string, string, number | null];

export interface SelectionView {
  keys: number;
  versions: number;
  /** Every selected version, grouped by key, in version order; streamed from SQLite. */
  rows(): IterableIterator<ExportRow>;
}

const COLUMNS = `k.id AS key_id, k.name, k.client_id, k.zone_id, k.purpose, k.algorithm, k.current_version, k.created_at AS key_created_at,
  v.version, v.state, v.public_key, v.sealed, v.public_only, v.fingerprint, v.created_at, v.changed_at, k.kek_id`;

function where(selection: KeySelection): { clause: string; args: string[] } {
  if (selection.all) return { clause: '', args: [] };
  if ('filter' in selection) {
    const f = selection.filter;
    const columns: string[] = [];
    const args: string[] = [];
    for (const [column, value] of [['k.client_id', f.clientId], ['k.zone_id', f.zoneId], ['k.purpose', f.purpose]] as const) {
      if (value === undefined) continue;
      columns.push(`${column} = ?`);
      args.push(value);
    }
    if (columns.length === 0) throw new CustosError('INVALID_ARGUMENT', 'select keys to export: all of them, or a client id, zone id and/or purpose');
    return { clause: `WHERE ${columns.join(' AND ')}`, args };
  }
  const parts: string[] = [];
  if (selection.clientIds.length > 0) parts.push(`k.client_id IN (${selection.clientIds.map(() => '?').join(', ')})`);
  if (selection.names.length > 0) parts.push(`k.name IN (${selection.names.map(() => '?').join(', ')})`);
  if (parts.length === 0) throw new CustosError('INVALID_ARGUMENT', 'select keys to export: all of them, client ids, or key names');
  return { clause: `WHERE ${parts.join(' OR ')}`, args: [...selection.clientIds, ...selection.names] };
}

/**
 * The rows an export reads. Every name and client id asked for must match at
 * least one key, so a typo fails loudly instead of producing a smaller bundle.
 */
export function selectionView(db: Db, selection: KeySelection): SelectionView {
  const { clause, args } = where(selection);
  if (!selection.all && !('filter' in selection)) {
    const has = (column: string, value: string) => db.prepare(`SELECT 1 FROM keys WHERE ${column} = ? LIMIT 1`).get(value) !== undefined;
    const missing = [...selection.names.filter((n) => !has('name', n)), ...selection.clientIds.filter((c) => !has('client_id', c)).map((c) => `client id ${c}`)];
    if (missing.length > 0) throw new CustosError('KEY_NOT_FOUND', `nothing to export for: ${missing.join(', ')}`);
  }
  const counts = db
    .prepare<string[], { keys: number; versions: number }>(
      `SELECT count(DISTINCT k.id) AS keys, count(*) AS versions FROM key_versions v JOIN keys k ON k.id = v.key_id ${clause}`,
    )
    .get(...args) ?? { keys: 0, versions: 0 };
  if ('filter' in selection && counts.keys === 0) throw new CustosError('KEY_NOT_FOUND', 'no key matches the selection: nothing to export');
  // Raw rows made into objects here: better-sqlite3's own row objects cost more than the rest of reading a row.
  const statement = db.prepare(`SELECT ${COLUMNS} FROM key_versions v JOIN keys k ON k.id = v.key_id ${clause} ORDER BY k.id, v.version`).raw(true);
  function* rows(): Generator<ExportRow> {
    for (const r of statement.iterate(...args) as IterableIterator<ExportValues>) {
      yield { key_id: r[0], name: r[1], client_id: r[2], zone_id: r[3], purpose: r[4], algorithm: r[5], current_version: r[6], key_created_at: r[7], version: r[8], state: r[9], public_key: r[10], sealed: r[11], public_only: r[12], fingerprint: r[13], created_at: r[14], changed_at: r[15], kek_id: r[16] };
    }
  }
  return { keys: counts.keys, versions: counts.versions, rows };
}
