/**
 * The Backups screen's worker operations (docs/app.md, "Backups"). They call
 * the same core functions as `custos export`, `custos bundle inspect` and
 * `custos import`; what they add is progress at every batch and the Cancel
 * flag main raises (protocol.ts LONG_OPS). Paths arrive from main's own
 * dialogs only; no result carries key material.
 */
import type { KeyPurpose } from '../../../shared/keys.js';
import type { BackupExportView, BackupImportView, BackupPreviewView, BackupSelection, BundleSummaryView, ConflictChoice } from '../../../shared/ipcBackups.js';
import { readAccessKeysFile, type AccessKeys } from '../../core/bundle/accessKeys.js';
import { exportBundle, throwIfCancelled } from '../../core/bundle/export.js';
import { importBundle } from '../../core/bundle/import.js';
import { summarize } from '../../core/bundle/inspect.js';
import { BundleReader } from '../../core/bundle/reader.js';
import { validatePortableKey } from '../../core/bundle/validate.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import type { KeySelection } from '../../core/keystore/selection.js';
import type { Report } from './coreOps.js';

/** Conflicting names the preview lists by name; the rest are counted. */
export const CONFLICTS_NAMED = 20;

export interface BackupOps {
  backupExport: { args: { selection: BackupSelection; privateKeys: boolean; bundleFile: string; accessKeysFile: string }; result: BackupExportView };
  /** The clear-text header only: no access keys needed, nothing decrypted. */
  backupInspect: { args: { bundleFile: string }; result: BundleSummaryView };
  /** Reads the whole bundle with its access keys as an import would (every chunk, fingerprint, the signature), writing nothing, and names the keys this vault has already. */
  backupPreview: { args: { bundleFile: string; accessKeysFile: string }; result: BackupPreviewView };
  backupImport: { args: { bundleFile: string; accessKeysFile: string; onConflict: ConflictChoice }; result: BackupImportView };
}

type Impl = { [K in keyof BackupOps]: (args: BackupOps[K]['args']) => BackupOps[K]['result'] };

function coreSelection(selection: BackupSelection): KeySelection {
  if (selection.scope === 'all') return { all: true };
  return { filter: { clientId: selection.clientId, zoneId: selection.zoneId, purpose: selection.purpose } };
}

function summaryOf(reader: BundleReader, thisVault: string): BundleSummaryView {
  const s = summarize(reader);
  return {
    file: s.path,
    bytes: s.bytes,
    formatVersion: s.formatVersion,
    pairFingerprint: s.pairFingerprint,
    createdAt: s.createdAt,
    privateKeys: s.privateKeys,
    keys: s.keys,
    versions: s.versions,
    sourceVault: s.vault,
    sameVault: s.vault === thisVault,
  };
}

/** Reads the access keys, or says which file failed; the caller wipes the encryption key. */
function withAccessKeys<T>(file: string, fn: (keys: AccessKeys) => T): T {
  const keys = readAccessKeysFile(file);
  try {
    return fn(keys);
  } finally {
    wipe(keys.encryptionKey);
  }
}

function withReader<T>(file: string, fn: (reader: BundleReader) => T): T {
  const reader = new BundleReader(file);
  try {
    return fn(reader);
  } finally {
    reader.close();
  }
}

export function backupOps(unlocked: () => Keystore, report: Report, cancelled: () => boolean): Impl {
  return {
    backupExport: ({ selection, privateKeys, bundleFile, accessKeysFile }) => {
      const ks = unlocked();
      report('export', 'Reading the selected keys', 0, 0);
      const r = exportBundle(ks, {
        bundlePath: bundleFile,
        accessKeysPath: accessKeysFile,
        selection: coreSelection(selection),
        privateKeys,
        // The last report comes before the files are sealed, recorded and put in place: no measurable steps, so length unknown (total 0).
        onProgress: (done, total) => (done < total ? report('export', `Exported ${done} of ${total} key versions`, done, total) : report('export', 'Saving the bundle and the access keys', 0, 0)),
        shouldCancel: cancelled,
      });
      report('export', 'Export finished', r.versions, r.versions);
      return { bundle: r.bundle, accessKeys: r.accessKeys, pairFingerprint: r.pairFingerprint, privateKeys: r.privateKeys, keys: r.keys, versions: r.versions, vault: r.vault };
    },

    backupInspect: ({ bundleFile }) => {
      const thisVault = unlocked().vaultFingerprint();
      return withReader(bundleFile, (reader) => summaryOf(reader, thisVault));
    },

    backupPreview: ({ bundleFile, accessKeysFile }) => {
      const ks = unlocked();
      return withAccessKeys(accessKeysFile, (accessKeys) =>
        withReader(bundleFile, (reader) => {
          // Wrong access keys are named before a byte is decrypted.
          reader.checkAccessKeys(accessKeys);
          const summary = summaryOf(reader, ks.vaultFingerprint());
          const existing = new Set(ks.list().map((k) => k.name));
          const byPurpose = new Map<KeyPurpose, number>();
          const names: string[] = [];
          let conflicts = 0;
          report('import', 'Verifying the bundle', 0, summary.keys);
          const read = reader.readKeys(
            accessKeys,
            (key) => {
              validatePortableKey(key, summary.privateKeys);
              byPurpose.set(key.purpose, (byPurpose.get(key.purpose) ?? 0) + 1);
              if (existing.has(key.name) && ++conflicts <= CONFLICTS_NAMED) names.push(key.name);
            },
            (done) => {
              throwIfCancelled(cancelled, 'verification');
              report('import', `Verified ${done} of ${summary.keys} keys`, done, summary.keys);
            },
          );
          const { vault, ceremonies, auditHistory } = read.extras;
          for (const c of ceremonies) wipe(c.supersededTagKey);
          report('import', 'Bundle verified', summary.keys, summary.keys);
          return {
            summary,
            accessKeysFile,
            vaultName: vault?.vaultName ?? null,
            ceremonies: ceremonies.length,
            auditHistory: auditHistory !== null,
            byPurpose: [...byPurpose].map(([purpose, keys]) => ({ purpose, keys })),
            conflicts: { count: conflicts, names },
          };
        }),
      );
    },

    backupImport: ({ bundleFile, accessKeysFile, onConflict }) => {
      const ks = unlocked();
      return withAccessKeys(accessKeysFile, (accessKeys) =>
        withReader(bundleFile, (reader) => {
          const total = reader.header.keyCount;
          report('import', 'Importing the bundle', 0, total);
          const r = importBundle(ks, reader, accessKeys, {
            onConflict,
            // After the last chunk: the signature, the commit of the one transaction, its audit entry and the WAL checkpoint, none measurable.
            onProgress: (done) => (done < total ? report('import', `Imported ${done} of ${total} keys`, done, total) : report('import', 'Writing the keys to the vault file (one transaction)', 0, 0)),
            shouldCancel: cancelled,
          });
          report('import', 'Import finished', total, total);
          return {
            pairFingerprint: r.pairFingerprint,
            keys: r.keys,
            versions: r.versions,
            skipped: r.skipped,
            replaced: r.replaced,
            publicOnlyVersions: r.publicOnlyVersions,
            sourceVault: r.vault?.sourceVault ?? null,
            ceremonies: r.vault?.ceremonies.length ?? 0,
            auditHistory: r.vault?.auditHistory ?? false,
            // Only an import that replaced keys checkpoints; the flag may otherwise be an earlier operation's.
            ...(r.replaced > 0 && ks.oldSealedBytesRemain() ? { oldBytesRemain: true as const } : {}),
          };
        }),
      );
    },
  };
}

