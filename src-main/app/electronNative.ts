import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where `npm run build:electron-native` (build/electron-native.mjs, the same
 * rule) puts the native modules built for Electron's ABI: copies of
 * better-sqlite3 and pkcs11js under native/electron/<platform>-<arch>/addons/, apart
 * from node_modules, whose Node builds serve the CLI and the tests. The arch is
 * named as electron-builder names it (armv7l, not Node's arm), so that its
 * `${arch}` macro in electron-builder.yml picks the same folder.
 */
export function electronNativeDir(appRoot: string, platform: string = process.platform, arch: string = process.arch): string {
  return join(appRoot, 'native', 'electron', `${platform}-${arch === 'arm' ? 'armv7l' : arch}`);
}

export interface ElectronAddons {
  /** better-sqlite3's compiled addon, for its `nativeBinding` option; undefined when not built. */
  sqliteBinding: string | undefined;
  /** The pkcs11js package folder (its index.js requires its own ./build/Release/pkcs11.node); undefined when not built. */
  pkcs11Module: string | undefined;
}

/**
 * The Electron builds for this platform and arch. Packaged, they sit beside
 * the asar archive (asarUnpack), since a .node file cannot be loaded from
 * inside it. A missing build is undefined: the worker then falls back to
 * node_modules, whose Node build fails to load in Electron with
 * NATIVE_MODULE_UNAVAILABLE and the command that builds the right one.
 */
export function electronAddons(appRoot: string, platform?: string, arch?: string): ElectronAddons {
  const packed = electronNativeDir(appRoot, platform, arch);
  const unpacked = packed.replace('app.asar', 'app.asar.unpacked');
  const dir = existsSync(unpacked) ? unpacked : packed;
  const sqlite = join(dir, 'addons', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const pkcs11 = join(dir, 'addons', 'pkcs11js');
  return {
    sqliteBinding: existsSync(sqlite) ? sqlite : undefined,
    pkcs11Module: existsSync(join(pkcs11, 'build', 'Release', 'pkcs11.node')) ? pkcs11 : undefined,
  };
}
