/**
 * Where the ceremony's files land, decided in main: the folders and file come
 * from main's own dialogs, never from the renderer, and share material obeys
 * the CLI's rule (core/files/sameDevice.ts): not on the keystore's disk unless
 * the operator allows it.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CustosError } from '../../shared/errors.js';
import { onSameDevice } from '../core/files/sameDevice.js';
import { OutputFile, publishAll } from '../core/files/outputFile.js';
import { preserveJobFilesWarning, readPreserveJobFiles } from '../core/paper/print/cups.js';

/** The sheets' folder: refused on the keystore's own file system unless `allowSameDisk`. */
export function checkSheetsFolder(folder: string, keystorePath: string, allowSameDisk: boolean): string {
  const dir = resolve(folder);
  if (!allowSameDisk && onSameDevice(dir, keystorePath)) {
    throw new CustosError(
      'INVALID_ARGUMENT',
      `${dir} is on the same disk as the vault: the sheets hold share words, and a deleted file can stay readable there. Choose a removable medium (a USB stick), print them instead, or allow the same disk explicitly`,
    );
  }
  return dir;
}

/** Bundle and access keys: two different folders on two different devices, so one lost stick does not give away both. */
export function checkBackupFolders(bundleDir: string, accessKeysDir: string): { bundleDir: string; accessKeysDir: string } {
  const a = resolve(bundleDir);
  const b = resolve(accessKeysDir);
  if (a === b) throw new CustosError('INVALID_ARGUMENT', 'the bundle and the access keys must go to two different folders on two different devices; both were the same folder');
  if (onSameDevice(a, b)) throw new CustosError('INVALID_ARGUMENT', 'the bundle and the access keys must go to two different devices (say, two USB sticks); both folders are on the same device');
  return { bundleDir: a, accessKeysDir: b };
}

/** Writes every file or none (mode 0600; an existing file is never replaced unless `replace`). Returns the paths. */
export function writeAll(entries: ReadonlyArray<{ path: string; bytes: Uint8Array }>, replace = false): { paths: string[]; undo: () => void } {
  const files = entries.map((e) => new OutputFile(e.path, replace));
  try {
    for (const [i, e] of entries.entries()) files[i]?.write(e.bytes);
    publishAll(files);
    return { paths: files.map((f) => f.path), undo: () => files.forEach((f) => f.unpublish()) };
  } finally {
    for (const f of files) f.discard();
  }
}

export function sheetsFolder(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** One name per sheet, as the CLI names them (paper split --out). */
export function sheetFileNames(sheets: ReadonlyArray<{ group: number; member: number }>, groups: number): string[] {
  return sheets.map((s) => (groups === 1 ? `share-${s.member}.pdf` : `share-g${s.group}-${s.member}.pdf`));
}

export const inFolder = (dir: string, name: string) => join(dir, name);

/** CUPS's PreserveJobFiles and what it means for sheets of share words; null off Linux. */
export function spoolInfo(serverRoot: string | null) {
  if (serverRoot === null) return null;
  const found = readPreserveJobFiles(serverRoot);
  const s = found.setting;
  return {
    setting: s.kind,
    seconds: s.kind === 'seconds' ? s.seconds : null,
    file: found.file,
    warning: preserveJobFilesWarning(found),
  };
}
