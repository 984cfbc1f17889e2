import type { EventChannel, EventPayload, LockReason, NetworkStatus, Settings } from '../../shared/ipc.js';
import type { ApprovalTarget } from '../core/config/approvals.js';
import type { SheetPrinter } from './printing.js';
import type { CoreClient } from './worker/coreClient.js';
import type { SettingsStore } from './settings.js';
import type { VaultRegistry } from './vaults.js';

/** Why main opens a file dialog: a vault, a master key file, the PEM of the CA that signed Vault's certificate, a backup bundle to import and its access keys, an Acra master key file, Redis's TLS files, an acra-keys bundle and its secret. */
export type FilePurpose =
  | 'open-vault'
  | 'master-key'
  | 'vault-ca'
  | 'import-bundle'
  | 'import-access-keys'
  | 'restore-bundle'
  | 'restore-access-keys'
  | 'share-scan'
  | 'acra-master-key'
  | 'redis-ca'
  | 'redis-client-cert'
  | 'redis-client-key'
  | 'acra-bundle'
  | 'acra-bundle-secret';
/** Why main asks for a folder: the ceremony's PDF sheets, the backup bundle, the backup's access keys (two different devices), an Acra keystore to write, a new Acra master key's folder, an Acra keystore to import. */
export type FolderPurpose = 'ceremony-sheets' | 'backup-bundle' | 'backup-access-keys' | 'acra-keystore-out' | 'acra-master-key-out' | 'acra-keystore-in';
/** Why main asks where to save a file: the ceremony transcript PDF, the audit screen's signed transcript (JSON or PDF), an acra-keys bundle and its secret. */
export type SavePurpose = 'ceremony-transcript' | 'audit-transcript' | 'restore-drill-report' | 'acra-bundle-out' | 'acra-bundle-secret-out';

/** Everything the handlers need from outside. Electron provides it in the app; tests provide it in plain Node. */
export interface IpcDeps {
  core: CoreClient;
  /** `custos://app` in the app; the test server's origin in the browser tests. */
  appOrigin: string;
  vaults: VaultRegistry;
  settings: SettingsStore;
  network: () => NetworkStatus;
  /**
   * Main's own file dialog. Returns null when the person cancels. `suggested`: where it starts (a file
   * dropped on the window); the person still confirms there, so the renderer never names what main reads.
   */
  chooseFile: (purpose: FilePurpose, suggested?: string) => Promise<string | null>;
  /** Main's own folder dialog (the folder may be created there). Null when the person cancels. */
  chooseFolder: (purpose: FolderPurpose) => Promise<string | null>;
  /** Main's own save dialog, offering `defaultName`. Null when the person cancels. */
  chooseSaveFile: (purpose: SavePurpose, defaultName: string) => Promise<string | null>;
  /** Renders and prints sheets and transcripts (Electron's window in the app; the CLI's Chromium in tests). */
  printer: SheetPrinter;
  /** Grants (true) or withdraws (false) the camera to the app's own page: only while the verify step's camera is open. */
  setCamera: (open: boolean) => void;
  /** CUPS's configuration folder, read for PreserveJobFiles before printing; null off Linux. */
  cupsServerRoot: string | null;
  writeClipboard: (text: string) => void;
  emit: <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;
  /**
   * Main's own dialog asking a person to approve a PKCS#11 module or Vault
   * server that a stored unlock method names (true: approved). Absent: nothing new is approved.
   */
  confirmApproval?: (target: ApprovalTarget) => Promise<boolean>;
  /**
   * Switches for the test harness only; src-main/app never sets them, and no
   * renderer input reaches them. `weakKdf`: vault:create honours the request's
   * argon2id settings (cheap KDFs for fast tests); without it the app always calibrates.
   * `plainHttpVault`: a Vault method may use http:// (a loopback stand-in); without it the token never travels in clear text.
   */
  testKnobs?: { weakKdf?: boolean; plainHttpVault?: boolean };
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
        deps.setCamera(false);
        // The renderer resets even if the worker had died: its keys are gone either way.
        deps.emit('event:locked', { reason });
      }
    },
  };
}
