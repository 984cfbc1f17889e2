/**
 * Preload exposes exactly the contract. Approach: the built bundle
 * (dist/preload/preload.cjs, the file Electron loads) is run in a fresh Node
 * `vm` context whose `require` hands out a recording stub of `electron`
 * (contextBridge + ipcRenderer) and refuses every other module, as a sandboxed
 * preload would. The test then reads what was exposed and drives each method.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../shared/ipc.js';
import { REPO_ROOT } from '../ipc/harness.js';

type Listener = (...args: unknown[]) => void;

function loadPreload() {
  const source = readFileSync(join(REPO_ROOT, 'dist', 'preload', 'preload.cjs'), 'utf8');
  const required: string[] = [];
  const exposed: Array<[string, unknown]> = [];
  const invoked: Array<[string, unknown]> = [];
  const listeners: Array<[string, Listener]> = [];
  const removed: Array<[string, Listener]> = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void exposed.push([key, value]) },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
    ipcRenderer: {
      invoke: (channel: string, payload: unknown) => {
        invoked.push([channel, payload]);
        return Promise.resolve({ ok: true, value: channel });
      },
      on: (channel: string, fn: Listener) => void listeners.push([channel, fn]),
      removeListener: (channel: string, fn: Listener) => void removed.push([channel, fn]),
      send: () => {
        throw new Error('preload must not use send');
      },
      sendSync: () => {
        throw new Error('preload must not use sendSync');
      },
    },
  };
  const module = { exports: {} };
  const require = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  runInNewContext(source, { require, module, exports: module.exports }, { filename: 'preload.cjs' });
  return { required, exposed, invoked, listeners, removed };
}

describe('preload (built bundle)', () => {
  it('requires only electron and exposes one object, window.custos', () => {
    const { required, exposed } = loadPreload();
    expect(required).toEqual(['electron']);
    expect(exposed.map(([key]) => key)).toEqual(['custos']);
  });

  it('has one method per contract channel and one subscription per event, nothing else but files.pathOf', () => {
    const api = loadPreload().exposed[0]?.[1] as Record<string, Record<string, unknown>>;
    expect(Object.keys(api['files'] ?? {})).toEqual(['pathOf']);
    const methods = Object.entries(api)
      .filter(([group]) => group !== 'on' && group !== 'files')
      .flatMap(([group, fns]) => Object.keys(fns).map((m) => `${group}:${m}`));
    expect(methods.sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(api['on'] ?? {}).sort()).toEqual(EVENT_CHANNELS.map((c) => c.slice('event:'.length)).sort());
    for (const group of Object.values(api)) for (const fn of Object.values(group)) expect(typeof fn).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    for (const group of Object.values(api)) expect(Object.isFrozen(group)).toBe(true);
  });

  it('each method invokes exactly its own channel with the payload ({} when none)', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed[0]?.[1] as Record<string, Record<string, (p?: unknown) => Promise<unknown>>>;
    for (const channel of INVOKE_CHANNELS) {
      const [group, method] = channel.split(':') as [string, string];
      const payload = { probe: channel };
      expect(await api[group]?.[method]?.(payload)).toEqual({ ok: true, value: channel });
      expect(invoked.at(-1)).toEqual([channel, payload]);
    }
    await api['vault']?.['lock']?.();
    expect(invoked.at(-1)).toEqual(['vault:lock', {}]);
    expect(invoked).toHaveLength(INVOKE_CHANNELS.length + 1);
  });

  it("files.pathOf returns webUtils' path of a dropped file and sends nothing to main", () => {
    const { exposed, invoked } = loadPreload();
    const files = (exposed[0]?.[1] as { files: { pathOf: (file: { name: string }) => string } }).files;
    expect(files.pathOf({ name: 'keys.bundle' })).toBe('/dropped/keys.bundle');
    expect(invoked).toEqual([]);
  });

  it('event listeners get the payload only (never the IPC event and its sender) and can unsubscribe', () => {
    const { exposed, listeners, removed } = loadPreload();
    const on = (exposed[0]?.[1] as { on: Record<string, (cb: (...args: unknown[]) => void) => () => void> }).on;
    for (const channel of EVENT_CHANNELS) {
      const received: unknown[][] = [];
      const off = on[channel.slice('event:'.length)]?.((...args) => void received.push(args));
      const [registered, forward] = listeners.at(-1) ?? [];
      expect(registered).toBe(channel);
      forward?.({ sender: { send: () => undefined }, senderFrame: {} }, { reason: 'user' });
      expect(received).toEqual([[{ reason: 'user' }]]);
      off?.();
      expect(removed.at(-1)).toEqual([channel, forward]);
    }
  });
});
