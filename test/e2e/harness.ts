/**
 * The built renderer in real Chromium, with `window.custos` bridged to the
 * real IPC handler table (real worker, core and SQLite) through Playwright's
 * exposeBinding. What is replaced is Electron's transport only: the built
 * preload bundle itself runs in the page, handed a stand-in `electron` whose
 * ipcRenderer.invoke crosses the binding, and the page is served with the
 * production CSP by the production protocol handler (serveAppFile).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../shared/ipc.js';
import { serveAppFile } from '../../src-main/app/protocol.js';
import { REPO_ROOT, startHarness, type Harness } from '../ipc/harness.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(REPO_ROOT, 'test-results', 'e2e');
const RENDERER = join(REPO_ROOT, 'dist', 'renderer');
const require = createRequire(import.meta.url);

function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    // Same handler as the custos:// scheme in the app, so the same files and the same CSP header.
    void serveAppFile(RENDERER, `custos://app${req.url ?? '/'}`).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

/** The preload bundle wrapped so it runs in the page with a stand-in `electron`. */
function bridgeScript(): string {
  const preload = readFileSync(join(REPO_ROOT, 'dist', 'preload', 'preload.cjs'), 'utf8');
  return `(() => {
  if (window.top !== window) return;
  const listeners = new Map();
  const electron = {
    contextBridge: { exposeInMainWorld: (key, value) => Object.defineProperty(window, key, { value, enumerable: true }) },
    // Chromium has no path for a dropped File: a test sets window.__custosDroppedPaths (file name to path).
    webUtils: { getPathForFile: (file) => (window.__custosDroppedPaths || {})[file.name] || '' },
    ipcRenderer: {
      invoke: (channel, payload) => window.__custosInvoke(channel, payload),
      on: (channel, fn) => listeners.set(channel, [...(listeners.get(channel) || []), fn]),
      removeListener: (channel, fn) => listeners.set(channel, (listeners.get(channel) || []).filter((f) => f !== fn)),
    },
  };
  Object.defineProperty(window, '__custosDeliver', { value: (channel, payload) => (listeners.get(channel) || []).forEach((fn) => fn({}, payload)) });
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })((name) => { if (name === 'electron') return electron; throw new Error('preload may only require electron'); }, module, module.exports);
})();`;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  colorScheme?: 'light' | 'dark';
  /** Browser permissions granted to the page (e.g. 'camera'); none by default. */
  permissions?: string[];
}

/** One more Chromium process on the same handler table (flags such as the fake camera are per process). */
export interface ExtraBrowser {
  browser: Browser;
  newPage(options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

export interface App {
  readonly h: Harness;
  origin: string;
  browser: Browser;
  newPage(options?: PageOptions): Promise<Page>;
  /** Stops the worker and starts a new one on the same vaults (all locked again), as a restart of the app does. */
  restartWorker(): Promise<void>;
  /** Launches another Chromium with these extra arguments, its pages bridged to this app's handlers. */
  launchBrowser(args: string[]): Promise<ExtraBrowser>;
  close(): Promise<void>;
}

const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface LaunchOptions {
  /** Extra Chromium arguments for the app's browser. */
  args?: string[];
  /** CUPS configuration folder the handlers read PreserveJobFiles from (default: none, as off Linux). */
  cupsServerRoot?: string | null;
}

export async function launchApp(options: LaunchOptions = {}): Promise<App> {
  mkdirSync(SHOTS, { recursive: true });
  const { server, origin } = await serve();
  const pages: Page[] = [];
  const harnessOptions = {
    appOrigin: origin,
    suite: true,
    cupsServerRoot: options.cupsServerRoot ?? null,
    onEvent: ({ channel, payload }: { channel: string; payload: unknown }) => {
      for (const page of pages) {
        if (!page.isClosed()) void page.evaluate(([c, p]) => (globalThis as unknown as { __custosDeliver(c: unknown, p: unknown): void }).__custosDeliver(c, p), [channel, payload] as const).catch(() => undefined);
      }
    },
  };
  // `let`: restartWorker() swaps in a new harness (new worker, same vaults); the page bridge reads this variable at each call.
  let h = startHarness(harnessOptions);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...(options.args ?? [])],
  });
  const script = bridgeScript();
  const contexts: BrowserContext[] = [];
  const extras: Browser[] = [];
  const newPageIn = async (browser: Browser, options: PageOptions = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, deviceScaleFactor: options.deviceScaleFactor ?? 1, colorScheme: options.colorScheme ?? 'light', permissions: options.permissions ?? [] });
    contexts.push(context);
    await context.exposeBinding('__custosInvoke', (source, channel: unknown, payload: unknown) => {
      if (typeof channel !== 'string' || !(INVOKE_CHANNELS as readonly string[]).includes(channel)) {
        return { ok: false, code: 'INVALID_ARGUMENT', message: 'no such channel' };
      }
      return h.ipc.handlers[channel as InvokeChannel](payload, { url: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() });
    });
    await context.addInitScript({ content: script });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    pages.push(page);
    return page;
  };
  return {
    get h() {
      return h;
    },
    async restartWorker() {
      // The worker stops as after a crash or a restart of the app; its folder (the vaults) stays for the next one.
      await h.core.close();
      h = startHarness({ ...harnessOptions, dir: h.dir });
    },
    origin,
    browser,
    newPage: (options) => newPageIn(browser, options),
    async launchBrowser(args) {
      const extra = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...args] });
      extras.push(extra);
      return { browser: extra, newPage: (options) => newPageIn(extra, options), close: () => extra.close() };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      for (const b of extras) await b.close().catch(() => undefined);
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    },
  };
}

/** axe-core in the page: serious and critical violations, summarised. */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = (require('axe-core') as { source: string }).source;
  // page.evaluate goes over the DevTools protocol, which the page's CSP does not govern; no CSP is weakened.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    type Axe = { run(ctx: unknown, o: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> };
    const page = globalThis as unknown as { axe: Axe; document: unknown };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(' ')}`);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** The screen passes axe in the light and the dark theme (chosen with the Theme menu), photographed in each. */
export async function accessible(page: Page, screen: string): Promise<void> {
  const theme = page.getByLabel('Theme').first();
  for (const mode of ['light', 'dark'] as const) {
    await theme.selectOption(mode);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset['theme'])).toBe(mode);
    expect(await axeViolations(page), `${screen} (${mode})`).toEqual([]);
    await shot(page, `${screen}-${mode}`);
  }
  await theme.selectOption('system');
}
