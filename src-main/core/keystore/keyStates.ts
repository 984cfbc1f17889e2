import { CustosError } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import { addFreshVersion } from './freshVersion.js';
import { currentVersion, requireKey, requireUsable } from './guards.js';
import type { RecordOpener } from './recordOpener.js';
import type { KeyRows, VersionRow } from './rows.js';

/**
 * The state changes of `keys rotate|disable|enable|destroy`, on rows (and,
 * for a rotation, the record opener that seals the new version); the
 * Keystore runs each in its write transaction and records what they return.
 */

/** A new current version of `name` (its material fresh, under the same KEK); the old one becomes rotated. */
export function rotateVersion(rows: KeyRows, records: RecordOpener, name: string, at: string): KeyInfo {
  const key = requireKey(rows, name);
  const old = currentVersion(rows, key);
  requireUsable(old);
  rows.updateState(key.id, old.version, 'rotated', at);
  const next = old.version + 1;
  const plan = { name: key.name, clientId: key.client_id, zoneId: key.zone_id, purpose: key.purpose, algorithm: key.algorithm };
  const info = addFreshVersion(rows, records, key.id, plan, next, at, key.kek_id);
  rows.updateCurrent(key.id, next);
  return info;
}
export function disableVersions(rows: KeyRows, name: string, at: string): VersionRow[] {
  const key = requireKey(rows, name);
  if (currentVersion(rows, key).state === 'destroyed') throw new CustosError('KEY_DESTROYED', `key '${name}' has been destroyed`);
  const changed = rows.versions(key.id).filter((v) => v.state === 'active' || v.state === 'rotated');
  for (const v of changed) rows.updateState(key.id, v.version, 'disabled', at);
  return changed;
}

export function enableVersions(rows: KeyRows, name: string, at: string): VersionRow[] {
  const key = requireKey(rows, name);
  if (currentVersion(rows, key).state === 'destroyed') throw new CustosError('KEY_DESTROYED', `key '${name}' has been destroyed`);
  const changed = rows.versions(key.id).filter((v) => v.state === 'disabled');
  for (const v of changed) rows.updateState(key.id, v.version, v.version === key.current_version ? 'active' : 'rotated', at);
  return changed;
}

/** One older version, or every version when `version` is omitted; never the current version alone. */
export function destroyVersions(rows: KeyRows, name: string, version: number | undefined, at: string): VersionRow[] {
  const key = requireKey(rows, name);
  const versions = rows.versions(key.id);
  if (version !== undefined) {
    const target = versions.find((v) => v.version === version);
    if (!target) throw new CustosError('KEY_NOT_FOUND', `key '${name}' has no version ${version}`);
    if (version === key.current_version) {
      throw new CustosError('INVALID_ARGUMENT', `version ${version} is the current version of '${name}'; rotate first, or destroy the whole key`);
    }
  }
  const doomed = versions.filter((v) => (version === undefined || v.version === version) && v.state !== 'destroyed');
  for (const v of doomed) rows.destroy(key.id, v.version, at);
  return doomed;
}
