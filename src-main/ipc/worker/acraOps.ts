/**
 * The Backups screen's Acra operations (docs/app.md, "Backups: Acra"). They
 * call the same core functions as `custos acra export` and `custos acra
 * import`; the Acra master key is made or read here, in the worker, and
 * wiped after use, so it never travels to main or the renderer. Paths come
 * from main's own dialogs only.
 */
import { rmSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import type { AcraExportView, AcraImportView, AcraSelectionView } from '../../../shared/ipcAcra.js';
import { exportAcraKeystore } from '../../core/acra/exportKeys.js';
import { importAcraEntries, openAcraFolder } from '../../core/acra/importKeys.js';
import { newAcraMasterKey, readAcraMasterKeyFile, writeAcraMasterKeyFile } from '../../core/acra/masterKey.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { importedKeysListed, savedAcraMasterKeyFile, writtenKeysListed } from './acraKeysListed.js';
import type { Report } from './coreOps.js';

export interface AcraOps {
  /** `newKeyFile`: write a fresh Acra master key there (0600, never over a file); `keyFile`: read an existing one. */
  acraExport: { args: { selection: AcraSelectionView; out: string; replace: boolean } & ({ newKeyFile: string } | { keyFile: string }); result: AcraExportView };
  acraImport: { args: { from: string; keyFile: string }; result: AcraImportView };
}

type Impl = { [K in keyof AcraOps]: (args: AcraOps[K]['args']) => AcraOps[K]['result'] | Promise<AcraOps[K]['result']> };

/** The core speaks of the CLI's --force; the screen's controls are tick boxes. */
export function inScreenTerms(error: unknown, tickBox = 'Replace the folder'): unknown {
  if (error instanceof CustosError && (error.code === 'FILE_EXISTS' || error.code === 'VAULT_SECRET_EXISTS') && error.message.includes('--force')) {
    const message = error.message.replace(/\s*\(pass --force to replace[^)]*\)|;\s*pass --force to replace (?:it|them all)/, '');
    return new CustosError(error.code, `${message} (tick '${tickBox}' to replace it); nothing was written`);
  }
  return error;
}

/** Where the Acra master key of a run that writes comes from: a new one saved to `newKeyFile` (0600, never over a file), or an existing `keyFile`. */
export type AcraKeySource = { newKeyFile: string } | { keyFile: string };

/**
 * Runs `fn` with the Acra master key, wiped after. A new key is written
 * first, as the CLI does (a keystore sealed under a key nobody kept would be
 * lost), and removed again when `fn` fails: it would protect nothing.
 */
export async function withAcraMasterKey<T>(source: AcraKeySource, fn: (key: Uint8Array) => T | Promise<T>): Promise<T> {
  const fresh = 'newKeyFile' in source;
  const acraKey = fresh ? newAcraMasterKey() : readAcraMasterKeyFile(source.keyFile);
  let wroteKey = false;
  try {
    if (fresh) {
      writeAcraMasterKeyFile(source.newKeyFile, acraKey);
      wroteKey = true;
    }
    const result = await fn(acraKey);
    wroteKey = false;
    return result;
  } finally {
    if (wroteKey && fresh) rmSync(source.newKeyFile, { force: true });
    wipe(acraKey);
  }
}

export function acraOps(unlocked: () => Keystore, report: Report): Impl {
  return {
    acraExport: async (args) => {
      const ks = unlocked();
      try {
        return await withAcraMasterKey(args, (acraKey) => {
          report('export', 'Writing the Acra keystore', 0, 0);
          const r = exportAcraKeystore(ks, { out: args.out, selection: args.selection, acraMasterKey: acraKey, force: args.replace });
          report('export', 'Acra keystore written', r.keys.length, r.keys.length);
          return {
            out: r.out,
            files: r.files,
            ...writtenKeysListed(r),
            acraMasterKeyFile: savedAcraMasterKeyFile(args),
          };
        });
      } catch (error) {
        throw inScreenTerms(error);
      }
    },

    acraImport: ({ from, keyFile }) => {
      const ks = unlocked();
      // The folder and the key are checked before anything is written, as the CLI does.
      const entries = openAcraFolder(from, () => readAcraMasterKeyFile(keyFile));
      try {
        report('import', 'Importing the Acra keystore', 0, 0);
        const r = importAcraEntries(ks, entries, from);
        report('import', 'Acra keystore imported', r.versions, r.versions);
        return {
          from,
          versions: r.versions,
          publicOnlyVersions: r.publicOnlyVersions,
          keys: importedKeysListed(r.keys),
        };
      } finally {
        for (const entry of entries) wipe(entry.content);
      }
    },
  };
}
