import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built pieces live, relative to the app root (the folder holding package.json). */
export function appPaths(appRoot: string, userData: string) {
  const native = join(appRoot, 'native', 'electron', 'better_sqlite3.node');
  // Packaged, native modules sit beside the asar archive (asarUnpack), not inside it.
  const unpacked = native.replace(`app.asar`, 'app.asar.unpacked');
  return {
    renderer: join(appRoot, 'dist', 'renderer'),
    preload: join(appRoot, 'dist', 'preload', 'preload.cjs'),
    worker: join(appRoot, 'dist', 'src-main', 'ipc', 'worker', 'coreWorker.js'),
    nativeSqlite: existsSync(unpacked) ? unpacked : existsSync(native) ? native : undefined,
    vaults: join(userData, 'vaults'),
    settings: join(userData, 'settings.json'),
  };
}
