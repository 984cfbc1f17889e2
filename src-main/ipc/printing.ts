/**
 * How main prints what the ceremony wizard makes (sheets, the transcript):
 * one small interface, two implementations. The app's is Electron's own
 * (src-main/app/printing/electronPrinter.ts: a hidden sandboxed window that
 * loads nothing but the document); the tests use the Chromium path the CLI
 * prints with (core/paper/print/pdf.ts), through the same HTML and handlers.
 */
import { CustosError } from '../../shared/errors.js';
import { findChromium } from '../core/paper/print/chromium.js';
import { renderPdfs } from '../core/paper/print/pdf.js';
import type { PaperSize } from '../core/paper/sheet/style.js';

export interface SheetPrinter {
  /** Each standalone HTML document as a PDF, in order. */
  toPdf(htmls: readonly string[], paperSize: PaperSize, onDone?: (done: number) => void): Promise<Buffer[]>;
  /** Sends one document to a printer through the system's print dialog; false when the person cancels it. */
  print(html: string, paperSize: PaperSize, title: string): Promise<boolean>;
}

/** The CLI's Chromium (playwright-core, offline, every request aborted). It has no print dialog. */
export function chromiumPrinter(chromiumPath?: string): SheetPrinter {
  return {
    toPdf: (htmls, paperSize, onDone) => renderPdfs(htmls, findChromium(chromiumPath), onDone, { paper: paperSize }),
    print: () => Promise.reject(new CustosError('PRINT_FAILED', 'this build has no print dialog: save the sheets as PDF into a folder instead')),
  };
}
