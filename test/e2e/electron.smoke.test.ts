/**
 * The real Electron app, launched by Playwright's `_electron`. It runs where
 * the Electron binary is installed (a developer machine after `npm ci`), and
 * says plainly why it skipped where it is not (CI and this machine install
 * with ELECTRON_SKIP_BINARY_DOWNLOAD=1).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronAddons } from '../../src-main/app/electronNative.js';
import { REPO_ROOT } from '../ipc/harness.js';

function electronBinary(): { path: string | null; reason: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string;
    if (typeof path === 'string' && existsSync(path)) return { path, reason: '' };
    return { path: null, reason: `the electron package points at ${String(path)}, which does not exist` };
  } catch (error) {
    return { path: null, reason: `require('electron') failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

const electron = electronBinary();
const native = electronAddons(REPO_ROOT).sqliteBinding !== undefined;
if (!electron.path) console.log(`Electron smoke test skipped: ${electron.reason} (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)`);

describe.skipIf(!electron.path)('the Electron app (smoke)', () => {
  it('starts one sandboxed window on custos://app with only window.custos exposed', { timeout: 120_000 }, async () => {
    const userData = mkdtempSync(join(tmpdir(), 'custos-electron-'));
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'CUSTOS_DEV'));
    const app = await _electron.launch({ executablePath: electron.path as string, args: [REPO_ROOT, `--user-data-dir=${userData}`], env });
    try {
      const page = await app.firstWindow();
      await page.getByRole('heading', { name: 'Welcome to Custos' }).waitFor();
      expect(page.url()).toMatch(/^custos:\/\/app\//);
      const globals = await page.evaluate(() => {
        const g = globalThis as unknown as Record<string, unknown> & { custos: Record<string, unknown> };
        return { require: typeof g['require'], process: typeof g['process'], ipc: typeof g['ipcRenderer'], custos: Object.keys(g.custos).sort() };
      });
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', ipc: 'undefined', custos: ['app', 'keys', 'network', 'on', 'settings', 'vault'] });
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Navigation away is blocked: the page stays on the app.
      await page.evaluate(() => ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'));
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^custos:\/\/app\//);
      if (native) {
        const status = await page.evaluate(() => (globalThis as unknown as { custos: { app: { status(p: object): Promise<unknown> } } }).custos.app.status({}));
        expect(status).toEqual({ ok: true, value: { unlocked: null } });
      } else {
        console.log('vault calls not exercised: no Electron build of better-sqlite3 in native/electron/ (run npm run build:electron-native)');
      }
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});

it('reports whether the Electron smoke test ran', () => {
  expect(typeof electron.reason).toBe('string');
  if (!electron.path) expect(electron.reason).not.toBe('');
});
