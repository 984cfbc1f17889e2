import { CustosError } from '../../../shared/errors.js';
import type { KeyRow, KeyRows, VersionRow } from './rows.js';

/** Lookups that fail with the codes people see; shared by the Keystore's operations. */
export function requireKey(rows: KeyRows, name: string): KeyRow {
  const key = rows.key(name);
  if (!key) throw new CustosError('KEY_NOT_FOUND', `no key named '${name}'`);
  return key;
}

export function currentVersion(rows: KeyRows, key: KeyRow): VersionRow {
  const row = rows.versions(key.id).find((v) => v.version === key.current_version);
  if (!row) throw new CustosError('KEYSTORE_CORRUPT', `key '${key.name}' points at version ${key.current_version}, which does not exist`);
  return row;
}

export function requireUsable(row: VersionRow): void {
  if (row.state === 'disabled') throw new CustosError('KEY_DISABLED', `key '${row.name}' is disabled; enable it first`);
  if (row.state === 'destroyed') throw new CustosError('KEY_DESTROYED', `key '${row.name}' v${row.version} has been destroyed`);
}
