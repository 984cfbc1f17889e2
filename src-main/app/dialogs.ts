import { dialog, type BrowserWindow } from 'electron';
import type { FilePurpose, FolderPurpose, SavePurpose } from '../ipc/context.js';

/**
 * File choices happen in main's own native dialog: the renderer never sends
 * a path, and the master key file is read by the worker, never by the page.
 */
export async function chooseFile(win: BrowserWindow | null, purpose: FilePurpose, suggested?: string): Promise<string | null> {
  const options: Record<FilePurpose, Electron.OpenDialogOptions> = {
    'open-vault': { title: 'Open a Custos vault', properties: ['openFile'], filters: [{ name: 'Custos vault', extensions: ['db'] }] },
    'master-key': { title: 'Choose the master key file', properties: ['openFile', 'dontAddToRecent'] },
    'vault-ca': { title: "Choose the PEM of the CA that signed Vault's certificate", properties: ['openFile'], filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt'] }] },
    'import-bundle': { title: 'Open the backup bundle to import', properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Custos bundle', extensions: ['bundle'] }, { name: 'All files', extensions: ['*'] }] },
    'import-access-keys': { title: "Open the bundle's access keys", properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Access keys', extensions: ['json'] }] },
    'restore-bundle': { title: 'Open the backup bundle to restore', properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Custos bundle', extensions: ['bundle'] }, { name: 'All files', extensions: ['*'] }] },
    'restore-access-keys': { title: "Open the bundle's access keys", properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Access keys', extensions: ['json'] }] },
    'share-scan': { title: "Open a scan of a share's sheet (PNG, JPEG or the PDF)", properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Sheet scan', extensions: ['png', 'jpg', 'jpeg', 'pdf'] }] },
    'acra-master-key': { title: "Choose the Acra master key file (ACRA_MASTER_KEY's base64)", properties: ['openFile', 'dontAddToRecent', 'showHiddenFiles'] },
    'redis-ca': { title: "Choose the PEM of the CA that signed Redis's certificate", properties: ['openFile'], filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt'] }, { name: 'All files', extensions: ['*'] }] },
    'redis-client-cert': { title: 'Choose the client certificate for Redis (PEM)', properties: ['openFile'], filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt'] }, { name: 'All files', extensions: ['*'] }] },
    'redis-client-key': { title: "Choose the client certificate's private key for Redis (PEM)", properties: ['openFile', 'dontAddToRecent', 'showHiddenFiles'] },
    'acra-bundle': { title: 'Open the acra-keys bundle to import', properties: ['openFile', 'dontAddToRecent'] },
    'acra-bundle-secret': { title: "Open the acra-keys bundle's secret (32 bytes)", properties: ['openFile', 'dontAddToRecent', 'showHiddenFiles'] },
  };
  // A dropped file is where the dialog starts: opening it still takes the person's click here.
  const chosen = suggested ? { ...options[purpose], defaultPath: suggested } : options[purpose];
  const result = win ? await dialog.showOpenDialog(win, chosen) : await dialog.showOpenDialog(chosen);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** A folder for the ceremony's files: the sheets, then the backup's two halves (main checks they are on two devices). */
export async function chooseFolder(win: BrowserWindow | null, purpose: FolderPurpose): Promise<string | null> {
  const titles: Record<FolderPurpose, string> = {
    'ceremony-sheets': 'Choose a folder on a removable medium for the PDF sheets',
    'backup-bundle': 'Choose a folder for the backup bundle (a removable medium)',
    'backup-access-keys': 'Choose a folder for the access keys (another removable medium)',
    'acra-keystore-out': 'Choose the Acra keystore folder to write (.acrakeys)',
    'acra-master-key-out': 'Choose a folder for the new Acra master key (not the keystore folder)',
    'acra-keystore-in': 'Choose the Acra keystore folder to import (.acrakeys)',
  };
  const options: Electron.OpenDialogOptions = { title: titles[purpose], properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'] };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

export async function chooseSaveFile(win: BrowserWindow | null, purpose: SavePurpose, defaultName: string): Promise<string | null> {
  const titles: Record<SavePurpose, string> = {
    'ceremony-transcript': 'Save the ceremony transcript',
    'audit-transcript': 'Save the signed audit transcript',
    'restore-drill-report': 'Save the restore drill report',
    'acra-bundle-out': 'Save the acra-keys bundle',
    'acra-bundle-secret-out': "Save the bundle's secret (keep it apart from the bundle)",
  };
  // The audit screen saves JSON too, and acra-keys bundles have no extension of their own: the filter follows the offered name.
  const filter = defaultName.endsWith('.json') ? { name: 'JSON', extensions: ['json'] } : defaultName.endsWith('.pdf') ? { name: 'PDF', extensions: ['pdf'] } : { name: 'All files', extensions: ['*'] };
  const options: Electron.SaveDialogOptions = { title: titles[purpose], defaultPath: defaultName, filters: [filter], properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'] };
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return result.canceled ? null : (result.filePath ?? null);
}
