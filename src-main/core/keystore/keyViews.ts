import { CustosError } from '../../../shared/errors.js';
import type { KeyDetail } from '../../../shared/keys.js';
import { publicPem } from '../catalog/material.js';
import { currentVersion, requireKey, requireUsable } from './guards.js';
import type { RecordOpener } from './recordOpener.js';
import { toKeyInfo, type KeyRows } from './rows.js';

/** What `keys show` says of one key: its owner, purpose and every version (no material). */
export function keyDetail(rows: KeyRows, name: string): KeyDetail {
  const key = requireKey(rows, name);
  return {
    name: key.name,
    clientId: key.client_id,
    zoneId: key.zone_id,
    purpose: key.purpose,
    algorithm: key.algorithm,
    currentVersion: key.current_version,
    versions: rows.versions(key.id).map(toKeyInfo),
  };
}

/** The public key as PEM (SPKI), after checking the sealed record still opens and matches it. */
export function publicKeyPem(rows: KeyRows, records: RecordOpener, name: string, version?: number): string {
  const key = requireKey(rows, name);
  if (key.algorithm === 'sym256') throw new CustosError('KEY_NO_PUBLIC_PART', `'${name}' is a symmetric key; it has no public part`);
  const row = version === undefined ? currentVersion(rows, key) : rows.versions(key.id).find((v) => v.version === version);
  if (!row) throw new CustosError('KEY_NOT_FOUND', `key '${name}' has no version ${String(version)}`);
  requireUsable(row);
  return publicPem(key.algorithm, records.authenticPublicKey(row));
}
