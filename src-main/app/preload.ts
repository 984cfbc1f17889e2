/**
 * Preload: builds `window.custos` from the contract's channel names and
 * exposes it through contextBridge; nothing else but `files.pathOf`. Each method invokes exactly
 * its own channel; event listeners receive the payload only, never the IPC
 * event (which would hand the page `sender`). Bundled to CommonJS because a
 * sandboxed preload can require nothing but `electron`.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, eventName, splitChannel } from '../../shared/ipcChannels.js';

type Fn = (...args: never[]) => unknown;
const api: Record<string, Record<string, Fn>> = { on: {} };

for (const channel of INVOKE_CHANNELS) {
  const [group, method] = splitChannel(channel);
  api[group] ??= {};
  (api[group] as Record<string, Fn>)[method] = (payload?: unknown) => ipcRenderer.invoke(channel, payload ?? {});
}

for (const channel of EVENT_CHANNELS) {
  (api['on'] as Record<string, Fn>)[eventName(channel)] = (listener: (payload: unknown) => void) => {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
}

// The one helper that is not a channel: the path of a file dropped on the window (Electron's webUtils;
// File.path is gone). It reads nothing: main only starts its own open dialog there (backups:openBundle).
api['files'] = { pathOf: (file: File) => webUtils.getPathForFile(file) };

for (const group of Object.values(api)) Object.freeze(group);
contextBridge.exposeInMainWorld('custos', Object.freeze(api));
