/**
 * Electron's SheetPrinter (src-main/ipc/printing.ts): each document is loaded
 * into a hidden window of its own, made with the app's secure window defaults
 * plus JavaScript off and no preload, in a fresh in-memory session that
 * blocks every request and grants nothing, so the sheet (share words in it)
 * reaches nothing but the print path. Then webContents.printToPDF or
 * webContents.print with the system dialog; the window and its session go.
 *
 * UNTESTED HERE: the Electron binary cannot run on the build machines; the
 * tests drive the Chromium implementation through the same handlers and HTML.
 */
import { randomBytes } from 'node:crypto';
import { BrowserWindow, session } from 'electron';
import { CustosError } from '../../../shared/errors.js';
import type { SheetPrinter } from '../../ipc/printing.js';
import type { PaperSize } from '../../core/paper/sheet/style.js';
import { PAPER } from '../../core/paper/sheet/style.js';
import { assertSecurePreferences, secureWebPreferences } from '../security/windowDefaults.js';

async function withSheetWindow<T>(html: string, fn: (win: BrowserWindow) => Promise<T>): Promise<T> {
  // A partition without "persist:" lives in memory only: no cache or storage of the sheet on disk.
  const ses = session.fromPartition(`custos-print-${randomBytes(8).toString('hex')}`, { cache: false });
  ses.setPermissionRequestHandler((_c, _p, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:text/html') }));
  // No preload: the sheet window gets no bridge at all.
  const { preload, ...secure } = secureWebPreferences({ preload: '', devTools: false });
  void preload;
  const webPreferences = { ...secure, javascript: false, session: ses, images: true };
  assertSecurePreferences(webPreferences);
  const win = new BrowserWindow({ show: false, width: 800, height: 1100, webPreferences });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await fn(win);
  } finally {
    win.destroy();
    await ses.clearStorageData().catch(() => undefined);
  }
}

export function electronPrinter(): SheetPrinter {
  return {
    async toPdf(htmls, paperSize: PaperSize, onDone) {
      const pdfs: Buffer[] = [];
      for (const html of htmls) {
        const pdf = await withSheetWindow(html, (win) => win.webContents.printToPDF({ pageSize: PAPER[paperSize].chromium, printBackground: true, preferCSSPageSize: true }));
        pdfs.push(pdf);
        onDone?.(pdfs.length);
      }
      return pdfs;
    },
    print(html, _paperSize, title) {
      return withSheetWindow(
        html,
        (win) =>
          new Promise<boolean>((resolve, reject) => {
            win.setTitle(title);
            win.webContents.print({ silent: false, printBackground: true }, (success, failureReason) => {
              if (success) resolve(true);
              else if (failureReason === 'Print job canceled' || failureReason === 'cancelled') resolve(false);
              else reject(new CustosError('PRINT_FAILED', `the sheet could not be printed: ${failureReason}`));
            });
          }),
      );
    },
  };
}
