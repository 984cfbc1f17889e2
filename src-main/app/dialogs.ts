import { dialog, type BrowserWindow } from 'electron';
import type { FilePurpose } from '../ipc/context.js';

/**
 * File choices happen in main's own native dialog: the renderer never sends
 * a path, and the master key file is read by the worker, never by the page.
 */
export async function chooseFile(win: BrowserWindow | null, purpose: FilePurpose): Promise<string | null> {
  const options: Record<FilePurpose, Electron.OpenDialogOptions> = {
    'open-vault': { title: 'Open a Custos vault', properties: ['openFile'], filters: [{ name: 'Custos vault', extensions: ['db'] }] },
    'master-key': { title: 'Choose the master key file', properties: ['openFile', 'dontAddToRecent'] },
    'vault-ca': { title: "Choose the PEM of the CA that signed Vault's certificate", properties: ['openFile'], filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt'] }] },
  };
  const result = win ? await dialog.showOpenDialog(win, options[purpose]) : await dialog.showOpenDialog(options[purpose]);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
