import { join } from 'node:path';
import { electronAddons } from './electronNative.js';

/** Where the built pieces live, relative to the app root (the folder holding package.json). */
export function appPaths(appRoot: string, userData: string) {
  return {
    renderer: join(appRoot, 'dist', 'renderer'),
    preload: join(appRoot, 'dist', 'preload', 'preload.cjs'),
    worker: join(appRoot, 'dist', 'src-main', 'ipc', 'worker', 'coreWorker.js'),
    // better-sqlite3 and pkcs11js built for Electron (npm run build:electron-native).
    native: electronAddons(appRoot),
    vaults: join(userData, 'vaults'),
    settings: join(userData, 'settings.json'),
  };
}
