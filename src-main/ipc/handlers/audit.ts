/**
 * The audit screen's channels (docs/app.md, "The audit screen"). Reading and
 * verifying run in the worker; the export asks main's save dialog where the
 * signed transcript goes (never a renderer-named path) and writes it there.
 */
import { CustosError } from '../../../shared/errors.js';
import type { IpcContext } from '../context.js';
import { writeAll } from '../ceremonyOutput.js';
import { handle, type Handler } from '../handle.js';

export function auditHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  return {
    'audit:head': handle('audit:head', appOrigin, async () => core.call('auditHead', {})),
    'audit:page': handle('audit:page', appOrigin, async (request) => core.call('auditPage', request)),
    'audit:verify': handle('audit:verify', appOrigin, async () => core.call('auditVerify', {})),
    'audit:export': handle('audit:export', appOrigin, async ({ format }) => {
      const status = await core.call('status', {});
      if (!status) throw new CustosError('KEYSTORE_LOCKED', 'the vault is locked; unlock it first');
      const file = await ctx.chooseSaveFile('audit-transcript', `custos-audit-${status.vaultFingerprint}.${format}`);
      if (file === null) throw new CustosError('CANCELLED', 'no file was chosen; nothing was written');
      // Signed only after the log verifies (AUDIT_TAMPERED otherwise), with its own audit-export entry.
      const { content, entries, head } = await core.call('auditExport', { format });
      let bytes: Uint8Array;
      if (format === 'json') bytes = new TextEncoder().encode(content);
      else {
        const [pdf] = await ctx.printer.toPdf([content], 'a4');
        if (!pdf) throw new CustosError('PDF_RENDER_FAILED', 'the transcript could not be rendered');
        bytes = pdf;
      }
      // The save dialog already asked before replacing a file of that name.
      const { paths } = writeAll([{ path: file, bytes }], true);
      return { file: paths[0] ?? file, entries, head };
    }),
  } satisfies Record<string, Handler>;
}
