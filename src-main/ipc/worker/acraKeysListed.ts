/**
 * The "listed keys" part of every Acra answer on the Backups screen (folder,
 * Redis and acra-keys bundle): the first ACRA_KEYS_LISTED versions, the rest
 * counted. One place builds it, so the screens cannot drift apart, and each
 * key is copied field by field: the core's records may carry more than the
 * strict answer schemas allow, and nothing but names, versions, states and
 * fingerprints may leave the worker.
 */
import { ACRA_KEYS_LISTED, type AcraExportView, type AcraImportView } from '../../../shared/ipcAcra.js';
import type { KeyInfo } from '../../../shared/keys.js';
import type { SkippedKey } from '../../core/acra/exportKeys.js';
import type { KeyRef } from '../../core/audit/subjects.js';
import type { AcraKeySource } from './acraOps.js';

/** What a write to Acra reports: how many versions went out, the first of them, and the keys left out. */
export function writtenKeysListed(r: { keys: readonly KeyRef[]; skipped: readonly SkippedKey[] }): Pick<AcraExportView, 'versions' | 'keys' | 'skipped'> {
  return {
    versions: r.keys.length,
    keys: r.keys.slice(0, ACRA_KEYS_LISTED).map((k) => ({ name: k.name, version: k.version, fingerprint: k.fingerprint })),
    skipped: r.skipped.slice(0, ACRA_KEYS_LISTED),
  };
}

/** The first versions an import brought into the vault. */
export function importedKeysListed(keys: readonly KeyInfo[]): AcraImportView['keys'] {
  return keys.slice(0, ACRA_KEYS_LISTED).map((k) => ({ name: k.name, purpose: k.purpose, algorithm: k.algorithm, version: k.version, state: k.state, fingerprint: k.fingerprint }));
}

/** Where a new Acra master key was saved (its path, never its bytes); null when an existing one was read. */
export function savedAcraMasterKeyFile(source: AcraKeySource): string | null {
  return 'newKeyFile' in source ? source.newKeyFile : null;
}
