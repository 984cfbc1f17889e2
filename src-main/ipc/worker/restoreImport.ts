/**
 * Importing the chosen bundle into a restored (or scratch) vault and checking
 * the result on this host: the keys against the bundle's manifest, the
 * sheets' genuineness, the audit head the sheets print.
 */
import { CustosError } from '../../../shared/errors.js';
import type { RestoreBundle, RestoreImportReport, SheetClaims } from '../../../shared/ipcRestore.js';
import { RESTORE_ROWS_MAX } from '../../../shared/ipcRestore.js';
import { readAccessKeysFile } from '../../core/bundle/accessKeys.js';
import { importBundle } from '../../core/bundle/import.js';
import { inspectBundle, type ManifestEntry } from '../../core/bundle/inspect.js';
import { BundleReader } from '../../core/bundle/reader.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { checkHead, checkSheets } from '../../core/restore/hostChecks.js';
import { compareWithManifest } from '../../core/restore/manifestCheck.js';
import { claimedHead } from '../../core/restore/sheetClaims.js';
import type { Report } from './coreOps.js';
import type { ShareSession } from './restoreShares.js';

/** Set to 1 by main (restore:cancel) while an import runs; checked after every chunk. */
export type CancelFlag = SharedArrayBuffer;

/** An onProgress for importBundle that reports and stops (CANCELLED, so the transaction rolls back) once main sets the flag. */
export function cancellable(cancel: CancelFlag, report: Report, label: string): (done: number, total: number) => void {
  const flag = new Int32Array(cancel);
  return (done, total) => {
    if (Atomics.load(flag, 0) !== 0) throw new CustosError('CANCELLED', 'the import was cancelled; nothing was imported');
    report('restore', label, done, total);
  };
}

export function verifiedManifest(bundle: RestoreBundle): ManifestEntry[] {
  const keys = readAccessKeysFile(bundle.accessKeysFile);
  try {
    return inspectBundle(bundle.file, keys).manifest ?? [];
  } finally {
    wipe(keys.encryptionKey);
  }
}

export function importInto(keystore: Keystore, bundle: RestoreBundle, onProgress: (done: number, total: number) => void): void {
  const keys = readAccessKeysFile(bundle.accessKeysFile);
  const reader = new BundleReader(bundle.file);
  try {
    importBundle(keystore, reader, keys, { onConflict: 'fail', onProgress });
  } finally {
    reader.close();
    wipe(keys.encryptionKey);
  }
}

export function hostReport(keystore: Keystore, manifest: readonly ManifestEntry[], claims: SheetClaims, session: { shares: ShareSession }): RestoreImportReport {
  return {
    comparison: compareWithManifest(keystore, manifest, RESTORE_ROWS_MAX),
    sheets: checkSheets(keystore, session.shares.inputs),
    head: checkHead(keystore, claimedHead(claims)),
  };
}

