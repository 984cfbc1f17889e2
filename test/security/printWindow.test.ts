/**
 * Electron's SheetPrinter cannot run here (no Electron binary), so its window
 * is checked against a recording stand-in of `electron`: what it is made with
 * and what it loads. Whether Electron then prints the page is untested here
 * (README, "The desktop app").
 */
import { describe, expect, it, vi } from 'vitest';

const made: Array<{ options: { show: boolean; webPreferences: Record<string, unknown> }; loaded: string[]; destroyed: boolean; printed: unknown[] }> = [];
const sessions: Array<{ partition: string; options: unknown; filter?: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined; request?: ((c: unknown, p: string, cb: (g: boolean) => void) => void) | undefined; check?: (() => boolean) | undefined }> = [];

vi.mock('electron', () => {
  class BrowserWindow {
    record: (typeof made)[number];
    webContents: Record<string, unknown>;
    constructor(options: (typeof made)[number]['options']) {
      this.record = { options, loaded: [], destroyed: false, printed: [] };
      made.push(this.record);
      const record = this.record;
      this.webContents = {
        setWindowOpenHandler: () => undefined,
        on: () => undefined,
        printToPDF: async (o: unknown) => (record.printed.push(o), Buffer.from('%PDF-1.7 stand-in')),
        print: (o: unknown, cb: (ok: boolean, reason: string) => void) => (record.printed.push(o), cb(false, 'Print job canceled')),
      };
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    setTitle() {}
    destroy() {
      this.record.destroyed = true;
    }
  }
  const session = {
    fromPartition: (partition: string, options: unknown) => {
      const s: (typeof sessions)[number] = { partition, options };
      sessions.push(s);
      return {
        setPermissionRequestHandler: (fn: typeof s.request) => (s.request = fn),
        setPermissionCheckHandler: (fn: typeof s.check) => (s.check = fn),
        webRequest: { onBeforeRequest: (fn: typeof s.filter) => (s.filter = fn) },
        clearStorageData: () => Promise.resolve(),
      };
    },
  };
  return { BrowserWindow, session };
});

describe("Electron's sheet printer (against a stand-in of electron)", () => {
  it('renders each sheet in its own hidden, sandboxed window with JavaScript off and no preload, in a fresh session that blocks every request, then destroys it', async () => {
    const { electronPrinter } = await import('../../src-main/app/printing/electronPrinter.js');
    const printer = electronPrinter();
    const pdfs = await printer.toPdf(['<!doctype html><p>sheet one</p>', '<!doctype html><p>sheet two</p>'], 'letter');
    expect(pdfs.map((p) => p.toString())).toEqual(['%PDF-1.7 stand-in', '%PDF-1.7 stand-in']);
    expect(made).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.partition)).size).toBe(2);
    for (const [i, w] of made.entries()) {
      expect(w.options.show).toBe(false);
      expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, devTools: false });
      expect(w.options.webPreferences['preload']).toBeUndefined();
      expect(w.loaded).toHaveLength(1);
      expect(decodeURIComponent(w.loaded[0] ?? '')).toBe(`data:text/html;charset=utf-8,<!doctype html><p>sheet ${i === 0 ? 'one' : 'two'}</p>`);
      expect(w.printed).toEqual([{ pageSize: 'Letter', printBackground: true, preferCSSPageSize: true }]);
      expect(w.destroyed).toBe(true);
    }
    for (const s of sessions) {
      // In memory only (no "persist:"), nothing granted, every request but the document itself cancelled.
      expect(s.partition.startsWith('persist:')).toBe(false);
      const answers: boolean[] = [];
      for (const url of ['https://example.com/x.png', 'file:///etc/passwd', 'custos://app/index.html', 'data:image/png;base64,AA==']) s.filter?.({ url }, (r) => answers.push(r.cancel));
      s.filter?.({ url: 'data:text/html;charset=utf-8,x' }, (r) => answers.push(r.cancel));
      expect(answers).toEqual([true, true, true, true, false]);
      const granted: boolean[] = [];
      s.request?.({}, 'media', (g) => granted.push(g));
      expect(granted).toEqual([false]);
      expect(s.check?.()).toBe(false);
    }
  });

  it('a cancelled print dialog is reported as not printed, and the window still goes', async () => {
    const { electronPrinter } = await import('../../src-main/app/printing/electronPrinter.js');
    made.length = 0;
    expect(await electronPrinter().print('<!doctype html><p>x</p>', 'a4', 'Custos sheet 1 of 1')).toBe(false);
    expect(made[0]?.printed).toEqual([{ silent: false, printBackground: true }]);
    expect(made[0]?.destroyed).toBe(true);
  });
});
