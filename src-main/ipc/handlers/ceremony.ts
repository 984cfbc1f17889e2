/**
 * The ceremony wizard's channels (docs/app.md, "The ceremony wizard"). The
 * worker runs the steps and holds the share words between split and print;
 * main picks folders in its own dialogs, prints, and writes the files. No
 * response carries share words: the words only come in (verifySheet).
 */
import { CustosError } from '../../../shared/errors.js';
import { ABANDON_CONFIRMATION } from '../../../shared/ipcCeremony.js';
import type { CeremonyState } from '../../../shared/ipc.js';
import type { IpcContext } from '../context.js';
import { ceremonyDraft } from '../ceremonyDraft.js';
import { checkBackupFolders, checkSheetsFolder, inFolder, sheetFileNames, sheetsFolder, spoolInfo, writeAll } from '../ceremonyOutput.js';
import { handle, type Handler } from '../handle.js';

const cancelled = (what: string) => new CustosError('CANCELLED', `no ${what} was chosen; nothing was written`);

export function ceremonyHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  const draft = ceremonyDraft();
  const progress = (task: 'print' | 'backup', label: string, done: number, total: number) => ctx.emit('event:progress', { task, label, done, total });
  /** The camera is withdrawn whenever the session is not at the verify step. */
  const settleCamera = (state: CeremonyState | null) => {
    if (state?.step !== 'verify') ctx.setCamera(false);
  };
  const current = async (): Promise<CeremonyState> => {
    const state = await core.call('ceremonyState', {});
    if (!state) throw new CustosError('INVALID_ARGUMENT', 'no ceremony is under way: begin one first');
    return state;
  };

  /** The vault's own session; null when none, 'locked' when no vault is open. */
  const vaultSession = async (): Promise<CeremonyState | null | 'locked'> => ((await core.call('status', {})) ? core.call('ceremonyState', {}) : 'locked');
  /** Steps 1 and 2 run on the draft while one exists and no open vault has a session of its own. */
  const onDraft = async (): Promise<boolean> => {
    if (draft.view() === null) return false;
    const own = await vaultSession();
    return own === 'locked' || own === null;
  };

  return {
    'ceremony:state': handle('ceremony:state', appOrigin, async () => {
      const own = await vaultSession();
      const pending = draft.view();
      // Locked with no draft: the vault may hold a session, so "none" would be wrong.
      if (own === 'locked' && !pending) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
      return { state: own !== 'locked' && own !== null ? own : pending };
    }),
    'ceremony:begin': handle('ceremony:begin', appOrigin, async () => {
      if ((await core.call('status', {})) === null) return { state: draft.begin(ctx.network()) };
      // A vault is open (just created at step 3, or unlocked): it adopts the draft, if there is one.
      const adopted = draft.take();
      const state = await core.call('ceremonyBegin', { network: ctx.network(), draft: adopted ?? undefined });
      draft.drop();
      return { state };
    }),
    'ceremony:airGap': handle('ceremony:airGap', appOrigin, async ({ override, by }) => ({
      state: (await onDraft()) ? draft.airGap(ctx.network(), override?.reason, by) : await core.call('ceremonyAirGap', { network: ctx.network(), override: override?.reason, by }),
    })),
    'ceremony:roles': handle('ceremony:roles', appOrigin, async (roles) => ({ state: (await onDraft()) ? draft.roles(roles) : await core.call('ceremonyRoles', roles) })),
    'ceremony:keys': handle('ceremony:keys', appOrigin, async (ids) => core.call('ceremonyKeys', ids)),
    'ceremony:quorum': handle('ceremony:quorum', appOrigin, async (quorum) => ({ state: await core.call('ceremonyQuorum', quorum) })),
    'ceremony:preview': handle('ceremony:preview', appOrigin, async ({ paperSize }) => ({ ...(await core.call('ceremonyPreview', {})), paperSize, spool: spoolInfo(ctx.cupsServerRoot) })),

    'ceremony:print': handle('ceremony:print', appOrigin, async (request) => {
      const { paperSize, by } = request;
      const state = await current();
      if (state.step !== 'print') throw new CustosError('INVALID_ARGUMENT', state.resplitNeeded ? 'the share words are gone since the vault was locked: set the quorum again to split anew' : 'the sheets are printed at the print step');
      if (request.destination === 'printer') {
        const { htmls } = await core.call('ceremonySheets', { paperSize });
        for (const [i, html] of htmls.entries()) {
          progress('print', `Printing sheet ${i + 1} of ${htmls.length}`, i, htmls.length);
          const printed = await ctx.printer.print(html, paperSize, `Custos sheet ${i + 1} of ${htmls.length}`);
          if (!printed) throw new CustosError('CANCELLED', i === 0 ? 'printing was cancelled; nothing was printed' : `printing was cancelled at sheet ${i + 1}: sheets 1 to ${i} were sent already; print all of them again and destroy the extra copies`);
        }
        progress('print', 'Sheets printed', htmls.length, htmls.length);
        return { state: await core.call('ceremonyPrinted', { where: 'sent to the printer', by }), folder: null, files: [] };
      }
      const chosen = await ctx.chooseFolder('ceremony-sheets');
      if (chosen === null) throw cancelled('folder');
      const status = await core.call('status', {});
      if (!status) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
      const folder = checkSheetsFolder(chosen, status.path, Boolean(request.allowSameDisk));
      const { htmls } = await core.call('ceremonySheets', { paperSize });
      const pdfs = await ctx.printer.toPdf(htmls, paperSize, (done) => progress('print', `Rendering sheet ${done} of ${htmls.length}`, done, htmls.length));
      const names = sheetFileNames(state.sheets, state.quorum?.groups.length ?? 1);
      const written = writeAll(pdfs.map((bytes, i) => ({ path: inFolder(sheetsFolder(folder), names[i] ?? `share-${i + 1}.pdf`), bytes })));
      try {
        return { state: await core.call('ceremonyPrinted', { where: `saved as PDF in ${folder}`, by }), folder, files: written.paths };
      } catch (error) {
        written.undo();
        throw error;
      }
    }),

    'ceremony:camera': handle('ceremony:camera', appOrigin, async ({ open }) => {
      if (open && (await current()).step !== 'verify') throw new CustosError('INVALID_ARGUMENT', 'the camera is only for the verify step');
      ctx.setCamera(open);
      return { open };
    }),
    'ceremony:verifySheet': handle('ceremony:verifySheet', appOrigin, async (request) => {
      const verdict = await core.call('ceremonyVerify', request);
      settleCamera(verdict.state);
      return verdict;
    }),

    'ceremony:backup': handle('ceremony:backup', appOrigin, async ({ by }) => {
      const state = await current();
      if (state.step !== 'backup' && state.step !== 'transcript') throw new CustosError('INVALID_ARGUMENT', 'the backup comes after every sheet is verified');
      const bundleDir = await ctx.chooseFolder('backup-bundle');
      if (bundleDir === null) throw cancelled('folder for the bundle');
      const accessKeysDir = await ctx.chooseFolder('backup-access-keys');
      if (accessKeysDir === null) throw cancelled('folder for the access keys');
      const dirs = checkBackupFolders(bundleDir, accessKeysDir);
      const base = `custos-ceremony-${state.ceremonyId ?? 'vault'}`;
      const next = await core.call('ceremonyBackup', { bundleFile: inFolder(dirs.bundleDir, `${base}.bundle`), accessKeysFile: inFolder(dirs.accessKeysDir, `${base}.access.json`), by });
      return { state: next };
    }),

    'ceremony:transcript': handle('ceremony:transcript', appOrigin, async ({ by }) => {
      const state = await current();
      if (state.step !== 'transcript' && state.step !== 'done') throw new CustosError('INVALID_ARGUMENT', 'the transcript comes after the backup');
      const file = await ctx.chooseSaveFile('ceremony-transcript', `custos-ceremony-${state.ceremonyId ?? 'vault'}-transcript.pdf`);
      if (file === null) throw cancelled('file');
      const html = await core.call('ceremonyTranscriptHtml', {});
      const [pdf] = await ctx.printer.toPdf([html], 'a4');
      if (!pdf) throw new CustosError('PDF_RENDER_FAILED', 'the transcript could not be rendered');
      // The save dialog already asked before replacing a file of that name.
      const { paths } = writeAll([{ path: file, bytes: pdf }], true);
      return { state: await core.call('ceremonyTranscriptSaved', { file: paths[0] ?? file, by }), file: paths[0] ?? file };
    }),

    'ceremony:finish': handle('ceremony:finish', appOrigin, async () => {
      const ceremonyId = await core.call('ceremonyFinish', {});
      ctx.setCamera(false);
      return { finished: true as const, ceremonyId };
    }),
    'ceremony:abandon': handle('ceremony:abandon', appOrigin, async ({ confirmation }) => {
      // Checked here, not only on screen.
      if (confirmation !== ABANDON_CONFIRMATION) throw new CustosError('CONFIRMATION_REQUIRED', `type '${ABANDON_CONFIRMATION}' to confirm; the ceremony was kept`);
      ctx.setCamera(false);
      // A draft never reached a vault: dropping it leaves nothing anywhere.
      if (await onDraft()) draft.drop();
      else await core.call('ceremonyAbandon', {});
      return { abandoned: true as const };
    }),
  } satisfies Record<string, Handler>;
}
