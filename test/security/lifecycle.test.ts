import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, IpcMain, Shell, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../shared/ipc.js';
import { registerIpc } from '../../src-main/app/ipcMain.js';
import { devtoolsAllowed, enforceDevtools } from '../../src-main/app/security/devtools.js';
import { openTrustedLink, TRUSTED_LINKS } from '../../src-main/app/security/openExternal.js';
import { enableSandboxEverywhere } from '../../src-main/app/security/sandbox.js';
import { ensureSingleInstance } from '../../src-main/app/security/singleInstance.js';
import type { HandlerTable } from '../../src-main/ipc/handle.js';
import { REPO_ROOT } from '../ipc/harness.js';
import { as, Fake } from './fakes.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('single-instance lock', () => {
  it('the second instance quits; the first is told', () => {
    const quits: number[] = [];
    const second = new Fake() as Fake & Record<string, unknown>;
    Object.assign(second, { requestSingleInstanceLock: () => false, quit: () => quits.push(1) });
    expect(ensureSingleInstance(as<App>(second), () => undefined)).toBe(false);
    expect(quits).toEqual([1]);

    const first = new Fake() as Fake & Record<string, unknown>;
    const shown: number[] = [];
    Object.assign(first, { requestSingleInstanceLock: () => true, quit: () => quits.push(2) });
    expect(ensureSingleInstance(as<App>(first), () => shown.push(1))).toBe(true);
    first.fire('second-instance');
    expect(shown).toEqual([1]);
    expect(quits).toEqual([1]);
  });
});

describe('app.enableSandbox()', () => {
  it('is called before ready, and refused after', () => {
    const calls: string[] = [];
    enableSandboxEverywhere(as<App>({ isReady: () => false, enableSandbox: () => calls.push('sandbox') }));
    expect(calls).toEqual(['sandbox']);
    expect(() => enableSandboxEverywhere(as<App>({ isReady: () => true, enableSandbox: () => calls.push('late') }))).toThrow(/before the app is ready/);
    expect(calls).toEqual(['sandbox']);
  });

  it('main.ts calls it at module load, before anything waits for ready', () => {
    const main = readFileSync(join(REPO_ROOT, 'src-main', 'app', 'main.ts'), 'utf8');
    expect(main.indexOf('enableSandboxEverywhere(app)')).toBeGreaterThan(0);
    expect(main.indexOf('enableSandboxEverywhere(app)')).toBeLessThan(main.indexOf('whenReady'));
  });
});

describe('devtools', () => {
  it('only unpackaged with CUSTOS_DEV=1', () => {
    expect(devtoolsAllowed(false, { CUSTOS_DEV: '1' })).toBe(true);
    expect(devtoolsAllowed(false, {})).toBe(false);
    expect(devtoolsAllowed(false, { CUSTOS_DEV: 'true' })).toBe(false);
    expect(devtoolsAllowed(true, { CUSTOS_DEV: '1' })).toBe(false);
  });

  it('closes devtools that open anyway when not allowed', () => {
    const contents = new Fake() as Fake & Record<string, unknown>;
    const closed: number[] = [];
    contents['closeDevTools'] = () => closed.push(1);
    enforceDevtools(as<WebContents>(contents), false);
    contents.fire('devtools-opened');
    expect(closed).toEqual([1]);
    const dev = new Fake() as Fake & Record<string, unknown>;
    dev['closeDevTools'] = () => closed.push(2);
    enforceDevtools(as<WebContents>(dev), true);
    dev.fire('devtools-opened');
    expect(closed).toEqual([1]);
  });
});

describe('shell.openExternal', () => {
  it('opens only the constant trusted links', async () => {
    const opened: string[] = [];
    const shell = as<Shell>({ openExternal: async (url: string) => void opened.push(url) });
    await openTrustedLink(shell, 'acra-key-management');
    await expect(openTrustedLink(shell, 'https://evil.example/' as 'acra-key-management')).rejects.toThrow(/not a trusted link/);
    expect(opened).toEqual([TRUSTED_LINKS['acra-key-management']]);
  });

  it('is called nowhere else in main, and nothing in the IPC layer takes a URL', () => {
    const callers = sources(join(REPO_ROOT, 'src-main')).filter((f) => readFileSync(f, 'utf8').includes('openExternal('));
    expect(callers.map((f) => f.slice(REPO_ROOT.length + 1))).toEqual(['src-main/app/security/openExternal.ts']);
    const contract = readFileSync(join(REPO_ROOT, 'shared', 'ipc.ts'), 'utf8');
    expect(contract).not.toMatch(/z\.url\(|\burl:/i);
  });
});

describe('registerIpc', () => {
  it('registers exactly the contract channels and passes the sending frame through', async () => {
    const registered = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const seen: unknown[] = [];
    const table = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, async (payload: unknown, sender: unknown) => (seen.push([c, payload, sender]), { ok: true, value: null })])) as unknown as HandlerTable;
    registerIpc(as<IpcMain>({ handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => registered.set(channel, fn) }), table);
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const mainFrame = { url: 'custos://app/index.html' };
    await registered.get('keys:list')?.({ senderFrame: mainFrame, sender: { mainFrame } }, { state: 'active' });
    const child = { url: 'custos://app/frame.html' };
    await registered.get('keys:list')?.({ senderFrame: child, sender: { mainFrame } }, {});
    await registered.get('keys:list')?.({ senderFrame: null, sender: { mainFrame } }, {});
    expect(seen).toEqual([
      ['keys:list', { state: 'active' }, { url: 'custos://app/index.html', isMainFrame: true }],
      ['keys:list', {}, { url: 'custos://app/frame.html', isMainFrame: false }],
      ['keys:list', {}, { url: '', isMainFrame: false }],
    ]);
  });
});
