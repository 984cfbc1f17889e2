/**
 * The Backups screen's acra-keys bundles (docs/app.md, "Backups: Acra"): the
 * same core calls as `custos acra bundle export|import`. The bundle's 32-byte
 * secret is written and read here, in the worker: it never travels to main or
 * the renderer.
 */
import { readFileSync, statSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import type { AcraSelectionView } from '../../../shared/ipcAcra.js';
import type { AcraBundleExportView, AcraBundleImportView } from '../../../shared/ipcAcraRemote.js';
import { exportAcraKeysBundle, importAcraKeysBundle } from '../../core/acra/acraKeysBundleVault.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { inScreenTerms } from './acraOps.js';
import { importedKeysListed, writtenKeysListed } from './acraKeysListed.js';
import type { Report } from './coreOps.js';

export interface AcraBundleOps {
  acraBundleExport: { args: { selection: AcraSelectionView; bundle: string; secret: string; replace: boolean }; result: AcraBundleExportView };
  acraBundleImport: { args: { bundle: string; secret: string }; result: AcraBundleImportView };
}

type Impl = { [K in keyof AcraBundleOps]: (args: AcraBundleOps[K]['args']) => AcraBundleOps[K]['result'] | Promise<AcraBundleOps[K]['result']> };

/** acra-keys bundles of a whole keystore are megabytes at most; a larger file was chosen by mistake. */
const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** The file's own Buffer (wiped by the caller for the secret), as the CLI's readInput. */
function readInput(path: string, what: string, max: number): Uint8Array {
  try {
    if (statSync(path).size > max) throw new CustosError('BUNDLE_IO', `the chosen ${what} ${path} is larger than it can be`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof CustosError) throw error;
    throw new CustosError('BUNDLE_IO', `cannot read the chosen ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function acraBundleOps(unlocked: () => Keystore, report: Report): Impl {
  return {
    acraBundleExport({ selection, bundle, secret, replace }) {
      const ks = unlocked();
      try {
        report('export', 'Writing the acra-keys bundle', 0, 0);
        const r = exportAcraKeysBundle(ks, { bundle, secret, selection, force: replace });
        report('export', 'acra-keys bundle written', r.entries, r.entries);
        return {
          bundle: r.bundle,
          secret: r.secret,
          entries: r.entries,
          ...writtenKeysListed(r),
        };
      } catch (error) {
        throw inScreenTerms(error, 'Replace existing files');
      }
    },

    acraBundleImport({ bundle, secret }) {
      const ks = unlocked();
      // A secret is 32 bytes; a few more are read so that a wrong file is told apart from a short one.
      const key = readInput(secret, 'bundle secret', 4096);
      try {
        const data = readInput(bundle, 'bundle', MAX_BUNDLE_BYTES);
        report('import', 'Opening the acra-keys bundle', 0, 0);
        const r = importAcraKeysBundle(ks, data, key, `acra-keys bundle ${bundle}`);
        report('import', 'acra-keys bundle imported', r.versions, r.versions);
        return {
          bundle,
          entries: r.entries,
          versions: r.versions,
          publicOnlyVersions: r.publicOnlyVersions,
          keys: importedKeysListed(r.keys),
        };
      } finally {
        wipe(key);
      }
    },
  };
}
