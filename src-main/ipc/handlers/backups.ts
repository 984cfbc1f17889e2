/**
 * The Backups screen's channels (docs/app.md, "Backups"). Main chooses every
 * path in its own dialogs and keeps the bundle being imported between the
 * steps, so the renderer names no file main reads or writes; the worker runs
 * the core's export, inspection and import (worker/backupOps.ts).
 */
import { CustosError } from '../../../shared/errors.js';
import type { IpcContext } from '../context.js';
import { checkBackupFolders, inFolder } from '../ceremonyOutput.js';
import { handle, type Handler } from '../handle.js';
import type { OpenedVault } from '../worker/protocol.js';

/** The import under way: the bundle chosen, then its access keys, for one vault. */
interface PendingImport {
  keystoreId: string;
  bundleFile: string;
  accessKeysFile: string | null;
}

const cancelled = (what: string) => new CustosError('CANCELLED', `no ${what} was chosen; nothing was read or written`);

/** `20261127-1203` in UTC: file names that sort by time and do not collide with an earlier export of the same day. */
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export function backupHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  let pending: PendingImport | null = null;
  const opened = async (): Promise<OpenedVault> => {
    const status = await core.call('status', {});
    if (!status) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
    return status;
  };
  const current = async (): Promise<PendingImport> => {
    const vault = await opened();
    if (!pending || pending.keystoreId !== vault.keystoreId) throw new CustosError('INVALID_ARGUMENT', 'choose a bundle to import (or drop one on the window) first');
    return pending;
  };

  return {
    'backups:export': handle('backups:export', appOrigin, async ({ selection, privateKeys }) => {
      const vault = await opened();
      const bundleDir = await ctx.chooseFolder('backup-bundle');
      if (bundleDir === null) throw cancelled('folder for the bundle');
      const accessKeysDir = await ctx.chooseFolder('backup-access-keys');
      if (accessKeysDir === null) throw cancelled('folder for the access keys');
      // The CLI's and the ceremony's rule: two folders on two devices, so one lost stick gives away nothing.
      const dirs = checkBackupFolders(bundleDir, accessKeysDir);
      const base = `custos-backup-${vault.vaultFingerprint}-${stamp(new Date())}`;
      return core.call('backupExport', { selection, privateKeys, bundleFile: inFolder(dirs.bundleDir, `${base}.bundle`), accessKeysFile: inFolder(dirs.accessKeysDir, `${base}.access.json`) });
    }),

    'backups:cancel': handle('backups:cancel', appOrigin, async () => ({ cancelled: core.cancel() })),

    'backups:openBundle': handle('backups:openBundle', appOrigin, async ({ dropped }) => {
      const vault = await opened();
      const file = await ctx.chooseFile('import-bundle', dropped);
      if (file === null) throw cancelled('bundle');
      const summary = await core.call('backupInspect', { bundleFile: file });
      pending = { keystoreId: vault.keystoreId, bundleFile: file, accessKeysFile: null };
      return summary;
    }),

    'backups:openAccessKeys': handle('backups:openAccessKeys', appOrigin, async () => {
      const chosen = await current();
      const file = await ctx.chooseFile('import-access-keys');
      if (file === null) throw cancelled('access-keys file');
      chosen.accessKeysFile = null;
      const preview = await core.call('backupPreview', { bundleFile: chosen.bundleFile, accessKeysFile: file });
      chosen.accessKeysFile = file;
      return preview;
    }),

    'backups:import': handle('backups:import', appOrigin, async ({ onConflict }) => {
      const chosen = await current();
      if (chosen.accessKeysFile === null) throw new CustosError('INVALID_ARGUMENT', "choose the bundle's access keys first: the bundle is verified before it is imported");
      const result = await core.call('backupImport', { bundleFile: chosen.bundleFile, accessKeysFile: chosen.accessKeysFile, onConflict });
      pending = null;
      return result;
    }),
  } satisfies Record<string, Handler>;
}
