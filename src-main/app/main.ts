/**
 * Electron entry. Order matters: sandbox, single-instance lock and the
 * privileged scheme are set up before `ready`; session guards before the
 * first window; IPC handlers before the first page can call them.
 */
import { app, clipboard, ipcMain, powerMonitor, protocol, session, shell, type BrowserWindow } from 'electron';
import { pathToFileURL } from 'node:url';
import { contractEmit } from '../ipc/events.js';
import { createIpc } from '../ipc/handlers/index.js';
import { networkStatus } from '../ipc/network.js';
import { fileSettings } from '../ipc/settings.js';
import { vaultRegistry } from '../ipc/vaults.js';
import { startCore } from '../ipc/worker/coreClient.js';
import { chooseFile, chooseFolder, chooseSaveFile } from './dialogs.js';
import { confirmApproval } from './approvalDialog.js';
import { registerIpc } from './ipcMain.js';
import { startIdleLock } from './lock/idleLock.js';
import { lockOnSystemEvents } from './lock/systemLock.js';
import { installMenu } from './menu.js';
import { watchLogindLock } from './lock/logindLock.js';
import { appPaths } from './paths.js';
import { APP_ORIGIN, APP_SCHEME, serveAppFile } from './protocol.js';
import { devtoolsAllowed } from './security/devtools.js';
import { guardPermissions } from './security/permissions.js';
import { electronPrinter } from './printing/electronPrinter.js';
import { blockRemoteProtocols } from './security/remoteProtocols.js';
import { enableSandboxEverywhere } from './security/sandbox.js';
import { ensureSingleInstance } from './security/singleInstance.js';
import { createMainWindow } from './window.js';

enableSandboxEverywhere(app);
let win: BrowserWindow | null = null;

if (ensureSingleInstance(app, () => win?.isMinimized() ? win.restore() : win?.focus())) {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const paths = appPaths(app.getAppPath(), app.getPath('userData'));
  const devTools = devtoolsAllowed(app.isPackaged, process.env);
  const ses = session.defaultSession;
  const camera = guardPermissions(ses, APP_ORIGIN);
  blockRemoteProtocols(ses, `${APP_SCHEME}:`);
  ses.protocol.handle(APP_SCHEME, (request) => serveAppFile(paths.renderer, request.url));

  const settings = fileSettings(paths.settings);
  const send = contractEmit((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(event, payload);
  });
  const core = startCore({
    workerUrl: pathToFileURL(paths.worker),
    nativeBinding: paths.native.sqliteBinding,
    pkcs11Module: paths.native.pkcs11Module,
    onProgress: (progress) => send('event:progress', progress),
    onExit: () => {
      // The keys died with the worker: the vault is locked, and the camera step with it.
      camera.set(false);
      send('event:locked', { reason: 'worker-exit' });
    },
  });
  const ipc = createIpc({
    core,
    appOrigin: APP_ORIGIN,
    vaults: vaultRegistry(paths.vaults),
    settings,
    network: () => networkStatus(),
    chooseFile: (purpose, suggested) => chooseFile(win, purpose, suggested),
    chooseFolder: (purpose) => chooseFolder(win, purpose),
    chooseSaveFile: (purpose, name) => chooseSaveFile(win, purpose, name),
    confirmApproval: (target) => confirmApproval(win, target),
    printer: electronPrinter(),
    setCamera: (open) => camera.set(open),
    cupsServerRoot: process.platform === 'linux' ? process.env['CUPS_SERVERROOT'] || '/etc/cups' : null,
    writeClipboard: (text) => clipboard.writeText(text),
    emit: send,
  });
  registerIpc(ipcMain, ipc.handlers);

  const lockQuietly = (reason: Parameters<typeof ipc.lock>[0]) => void ipc.lock(reason).catch(() => undefined);
  startIdleLock({ idleSeconds: () => powerMonitor.getSystemIdleTime(), minutes: () => settings.get().idleLockMinutes, lock: () => lockQuietly('idle') });
  lockOnSystemEvents(powerMonitor, lockQuietly);
  // Electron has no lock-screen event on Linux: logind's Lock signal and LockedHint instead.
  const logind = process.platform === 'linux' ? watchLogindLock(() => lockQuietly('lock-screen')) : null;
  app.on('before-quit', () => {
    logind?.stop();
    void core.close();
  });

  installMenu(shell);
  win = createMainWindow({ preload: paths.preload, devTools });
  win.on('closed', () => {
    win = null;
  });
}
