/**
 * The restore wizard's channels (docs/app.md, "Restoring from shares"). The
 * worker keeps the session; main asks its own dialogs for every file (a scan
 * of a sheet, the bundle, its access keys, where the drill report goes) and
 * holds the cancel flag of the import under way.
 */
import { CustosError } from '../../../shared/errors.js';
import type { DrillReport } from '../../../shared/ipcRestore.js';
import { drillReportHtml } from '../../core/restore/drillReport.js';
import { writeAll } from '../ceremonyOutput.js';
import type { IpcContext } from '../context.js';
import { handle, type Handler } from '../handle.js';
import { vaultId, vaultName } from '../vaults.js';

export function restoreHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  // One import or drill at a time; restore:cancel raises its flag, read by the worker after every chunk.
  let running: Int32Array | null = null;
  let lastDrill: DrillReport | null = null;
  const cancellable = async <T>(fn: (cancel: SharedArrayBuffer) => Promise<T>): Promise<T> => {
    if (running) throw new CustosError('INVALID_ARGUMENT', 'an import is under way already');
    const flag = new Int32Array(new SharedArrayBuffer(4));
    running = flag;
    try {
      return await fn(flag.buffer as SharedArrayBuffer);
    } finally {
      running = null;
    }
  };
  const chosen = async (purpose: 'restore-bundle' | 'restore-access-keys' | 'share-scan', what: string): Promise<string> => {
    const file = await ctx.chooseFile(purpose);
    if (file === null) throw new CustosError('CANCELLED', `no ${what} was chosen`);
    return file;
  };

  return {
    'restore:state': handle('restore:state', appOrigin, async () => core.call('restoreState', {})),
    'restore:wordlist': handle('restore:wordlist', appOrigin, async () => ({ words: await core.call('restoreWordlist', {}) })),
    'restore:addShare': handle('restore:addShare', appOrigin, async ({ words, how }) => core.call('restoreAddShare', { words, how })),
    'restore:scanShare': handle('restore:scanShare', appOrigin, async () => core.call('restoreScanShare', { file: await chosen('share-scan', 'scan') })),
    'restore:removeShare': handle('restore:removeShare', appOrigin, async ({ index }) => core.call('restoreRemoveShare', { index })),
    'restore:reset': handle('restore:reset', appOrigin, async () => {
      lastDrill = null;
      return core.call('restoreReset', {});
    }),
    'restore:compare': handle('restore:compare', appOrigin, async (claims) => core.call('restoreCompare', { claims })),
    'restore:chooseBundle': handle('restore:chooseBundle', appOrigin, async () => {
      const file = await chosen('restore-bundle', 'bundle');
      const accessKeysFile = await chosen('restore-access-keys', 'access keys file');
      return core.call('restoreSetBundle', { file, accessKeysFile });
    }),
    'restore:create': handle('restore:create', appOrigin, async ({ name, passphrase, kdf }) => {
      // As vault:create: the app calibrates argon2id itself; only the test harness may ask for a cheaper KDF.
      if (kdf && ctx.testKnobs?.weakKdf !== true) throw new CustosError('INVALID_ARGUMENT', 'the app chooses the argon2id settings itself (calibrated to this machine); a request may not set them');
      const path = ctx.vaults.pathForNew(name);
      const choice = kdf ? { memoryKiB: kdf.memoryMiB * 1024, iterations: kdf.passes } : null;
      const opened = await core.call('restoreCreate', { path, name, passphrase, kdf: choice });
      return { id: vaultId(opened.path), name: vaultName(opened.path), keystoreId: opened.keystoreId, vaultFingerprint: opened.vaultFingerprint };
    }),
    'restore:import': handle('restore:import', appOrigin, async () => cancellable((cancel) => core.call('restoreImport', { cancel }))),
    'restore:cancel': handle('restore:cancel', appOrigin, async () => {
      if (running) Atomics.store(running, 0, 1);
      return { cancelling: running !== null };
    }),
    'restore:drill': handle('restore:drill', appOrigin, async () => {
      lastDrill = await cancellable((cancel) => core.call('restoreDrill', { cancel }));
      return lastDrill;
    }),
    'restore:printDrill': handle('restore:printDrill', appOrigin, async () => {
      const report = lastDrill;
      if (!report) throw new CustosError('INVALID_ARGUMENT', 'run a restore drill first');
      const file = await ctx.chooseSaveFile('restore-drill-report', `custos-restore-drill-${report.at.slice(0, 10)}.pdf`);
      if (file === null) throw new CustosError('CANCELLED', 'no file was chosen; nothing was written');
      const [pdf] = await ctx.printer.toPdf([drillReportHtml(report)], 'a4');
      if (!pdf) throw new CustosError('PDF_RENDER_FAILED', 'the drill report could not be rendered');
      const { paths } = writeAll([{ path: file, bytes: pdf }], true);
      return { file: paths[0] ?? file };
    }),
    'restore:camera': handle('restore:camera', appOrigin, async ({ open }) => {
      ctx.setCamera(open);
      return { open };
    }),
  } satisfies Record<string, Handler>;
}
