/**
 * The real IPC handler table in plain Node: real worker thread (built
 * dist/ worker), real core, real SQLite files in a temporary folder. Only
 * Electron's pieces (dialog, clipboard, webContents.send) are replaced by
 * recorders the tests can read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';
import type { EventChannel, EventPayload, InvokeChannel, IpcRequest, IpcResponse, IpcResult, NetworkStatus } from '../../shared/ipc.js';
import { contractEmit } from '../../src-main/ipc/events.js';
import { createIpc, type Ipc } from '../../src-main/ipc/handlers/index.js';
import { chromiumPrinter } from '../../src-main/ipc/printing.js';
import type { FilePurpose, FolderPurpose, IpcDeps } from '../../src-main/ipc/context.js';
import type { Sender } from '../../src-main/ipc/origin.js';
import { fileSettings } from '../../src-main/ipc/settings.js';
import type { ApprovalTarget } from '../../src-main/core/config/approvals.js';
import { vaultRegistry, type VaultRegistry } from '../../src-main/ipc/vaults.js';
import { startCore, type CoreClient } from '../../src-main/ipc/worker/coreClient.js';
import { tempDir } from '../helpers/tmp.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const WORKER_URL = pathToFileURL(join(REPO_ROOT, 'dist', 'src-main', 'ipc', 'worker', 'coreWorker.js'));
export const TEST_ORIGIN = 'custos://app';
export const APP_SENDER: Sender = { url: `${TEST_ORIGIN}/index.html#/keys`, isMainFrame: true };
/** The cheapest KDF the contract allows: these tests check behaviour, not KDF cost. */
export const FAST_KDF = { memoryMiB: 8, passes: 1 } as const;

export interface RecordedEvent {
  channel: EventChannel;
  payload: unknown;
}

export interface Harness {
  ipc: Ipc;
  core: CoreClient;
  dir: string;
  vaultsDir: string;
  vaults: VaultRegistry;
  events: RecordedEvent[];
  clipboard: string[];
  /** Answers for the next file dialogs (null = the person cancels). */
  fileChoices: Array<string | null>;
  /** Every file dialog opened, with its purpose and the file it was asked to start at (a dropped file). */
  fileRequests: Array<{ purpose: FilePurpose; suggested: string | undefined }>;
  /** Answers for the next folder dialogs, with the purpose each must be asked for. */
  folderChoices: Array<{ purpose: FolderPurpose; path: string | null }>;
  /** Answers for the next save dialogs. */
  saveChoices: Array<string | null>;
  /** Every camera grant (true) and withdrawal (false), in order. */
  camera: boolean[];
  /** Every PKCS#11 module or Vault server main asked the person to approve, in order. */
  approvalsAsked: ApprovalTarget[];
  /** Answers for the next approval dialogs; when none is queued the person approves (as they would a module they installed). */
  approvalAnswers: boolean[];
  network: { current: NetworkStatus };
  call<C extends InvokeChannel>(channel: C, payload: IpcRequest<C>, sender?: Sender): Promise<IpcResult<IpcResponse<C>>>;
  /** Like call, but fails the test unless the result is ok. */
  ok<C extends InvokeChannel>(channel: C, payload: IpcRequest<C>): Promise<IpcResponse<C>>;
  raw(channel: InvokeChannel, payload: unknown, sender?: Sender): Promise<IpcResult<unknown>>;
  /** Stops the worker and removes the folder (done after each test unless `suite` was set). */
  close(): Promise<void>;
}

const open: CoreClient[] = [];
afterEach(async () => {
  for (const core of open.splice(0)) await core.close();
});

export interface HarnessOptions {
  appOrigin?: string;
  onEvent?: (e: RecordedEvent) => void;
  /** Lives across the tests of a suite (browser tests): the caller closes it in afterAll. */
  suite?: boolean;
  /** CUPS configuration folder read before printing (null: as off Linux). */
  cupsServerRoot?: string | null;
  /** Another harness's folder: a new worker on the same vaults (a restart). */
  dir?: string;
  /** The test-only switches (default: cheap KDFs allowed); `{}` runs the handlers as the app does. */
  testKnobs?: IpcDeps['testKnobs'];
}

export function startHarness(options: HarnessOptions = {}): Harness {
  const dir = options.dir ?? (options.suite ? mkdtempSync(join(tmpdir(), 'custos-e2e-')) : tempDir('custos-ipc-'));
  const vaultsDir = join(dir, 'vaults');
  const events: RecordedEvent[] = [];
  const clipboard: string[] = [];
  const fileChoices: Array<string | null> = [];
  const fileRequests: Harness['fileRequests'] = [];
  const folderChoices: Harness['folderChoices'] = [];
  const saveChoices: Array<string | null> = [];
  const camera: boolean[] = [];
  const approvalsAsked: ApprovalTarget[] = [];
  const approvalAnswers: boolean[] = [];
  const network = { current: { airGapped: true, interfaces: [] } as NetworkStatus };
  // The same contract filter main.ts puts in front of webContents.send.
  const record = contractEmit(<E extends EventChannel>(channel: E, payload: EventPayload<E>) => {
    const event = { channel, payload };
    events.push(event);
    options.onEvent?.(event);
  });
  const core = startCore({
    workerUrl: WORKER_URL,
    onProgress: (p) => record('event:progress', p),
    onExit: () => record('event:locked', { reason: 'worker-exit' }),
  });
  if (!options.suite) open.push(core);
  const vaults = vaultRegistry(vaultsDir);
  const ipc = createIpc({
    core,
    appOrigin: options.appOrigin ?? TEST_ORIGIN,
    vaults,
    settings: fileSettings(join(dir, 'settings.json')),
    network: () => network.current,
    chooseFile: async (purpose, suggested) => {
      fileRequests.push({ purpose, suggested });
      if (fileChoices.length === 0) throw new Error('a file dialog opened that the test did not expect');
      return fileChoices.shift() ?? null;
    },
    chooseFolder: async (purpose) => {
      const next = folderChoices.shift();
      if (!next) throw new Error(`a folder dialog (${purpose}) opened that the test did not expect`);
      if (next.purpose !== purpose) throw new Error(`a folder dialog asked for ${purpose}, the test expected ${next.purpose}`);
      return next.path;
    },
    chooseSaveFile: async () => {
      if (saveChoices.length === 0) throw new Error('a save dialog opened that the test did not expect');
      return saveChoices.shift() ?? null;
    },
    // The CLI's Chromium, through the same handlers and HTML as Electron's printer in the app.
    printer: chromiumPrinter(),
    setCamera: (open) => void camera.push(open),
    cupsServerRoot: options.cupsServerRoot ?? null,
    writeClipboard: (text) => void clipboard.push(text),
    emit: record,
    confirmApproval: async (target) => {
      approvalsAsked.push(target);
      return approvalAnswers.shift() ?? true;
    },
    // Cheap argon2id (FAST_KDF) for speed; the app never sets this (test/security/ipcFloors.test.ts).
    testKnobs: options.testKnobs ?? { weakKdf: true },
  });
  const appSender: Sender = options.appOrigin ? { url: `${options.appOrigin}/index.html`, isMainFrame: true } : APP_SENDER;
  const raw = (channel: InvokeChannel, payload: unknown, sender: Sender = appSender) => ipc.handlers[channel](payload, sender);
  const call = <C extends InvokeChannel>(channel: C, payload: IpcRequest<C>, sender: Sender = appSender) =>
    raw(channel, payload, sender) as Promise<IpcResult<IpcResponse<C>>>;
  const ok = async <C extends InvokeChannel>(channel: C, payload: IpcRequest<C>): Promise<IpcResponse<C>> => {
    const result = await call(channel, payload);
    if (!result.ok) throw new Error(`${channel} failed: ${result.code} ${result.message}`);
    return result.value;
  };
  const close = async () => {
    await core.close();
    if (options.suite) rmSync(dir, { recursive: true, force: true });
  };
  return { ipc, core, dir, vaultsDir, vaults, events, clipboard, fileChoices, fileRequests, folderChoices, saveChoices, camera, approvalsAsked, approvalAnswers, network, call, ok, raw, close };
}
