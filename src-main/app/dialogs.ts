import { dialog, type BrowserWindow } from 'electron';

/**
 * File choices happen in main's own native dialog: the renderer never sends
 * a path, and the master key file is read by the worker, never by the page.
 */
export async function chooseFile(win: BrowserWindow | null, purpose: 'open-vault' | 'master-key'): Promise<string | null> {
  const options: Electron.OpenDialogOptions =
    purpose === 'open-vault'
      ? { title: 'Open a Custos vault', properties: ['openFile'], filters: [{ name: 'Custos vault', extensions: ['db'] }] }
      : { title: 'Choose the master key file', properties: ['openFile', 'dontAddToRecent'] };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
