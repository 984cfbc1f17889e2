import type { EventChannel, EventPayload, LockReason, NetworkStatus, Settings } from '../../shared/ipc.js';
import type { CoreClient } from './worker/coreClient.js';
import type { SettingsStore } from './settings.js';
import type { VaultRegistry } from './vaults.js';

/** Why main opens a file dialog: a vault, a master key file, the PEM of the CA that signed Vault's certificate. */
export type FilePurpose = 'open-vault' | 'master-key' | 'vault-ca';

/** Everything the handlers need from outside. Electron provides it in the app; tests provide it in plain Node. */
export interface IpcDeps {
  core: CoreClient;
  /** `custos://app` in the app; the test server's origin in the browser tests. */
  appOrigin: string;
  vaults: VaultRegistry;
  settings: SettingsStore;
  network: () => NetworkStatus;
  /** Main's own file dialog. Returns null when the person cancels. */
  chooseFile: (purpose: FilePurpose) => Promise<string | null>;
  writeClipboard: (text: string) => void;
  emit: <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;
  /** Called after settings change, so the idle timer re-arms. */
  onSettings?: (settings: Settings) => void;
}

export interface IpcContext extends IpcDeps {
  /** Locks the vault (keys wiped in the worker) and tells the renderer to reset. */
  lock(reason: LockReason): Promise<void>;
}

export function ipcContext(deps: IpcDeps): IpcContext {
  return {
    ...deps,
    async lock(reason) {
      try {
        await deps.core.call('lock', {});
      } finally {
        // The renderer resets even if the worker had died: its keys are gone either way.
        deps.emit('event:locked', { reason });
      }
    },
  };
}
