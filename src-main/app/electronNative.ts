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
 * The Electron builds for this platform and arch. Packaged, the .node files
 * sit beside the asar archive (asarUnpack: a library cannot be loaded from
 * inside it), while pkcs11js's JavaScript stays in the archive, under its
 * integrity check; Electron loads an unpacked file named by its archive path,
 * so its index.js finds its addon. A missing build is undefined: the worker
 * then falls back to node_modules, whose Node build fails to load in Electron
 * with NATIVE_MODULE_UNAVAILABLE and the command that builds the right one.
 */
export function electronAddons(appRoot: string, platform?: string, arch?: string): ElectronAddons {
  const packed = join(electronNativeDir(appRoot, platform, arch), 'addons');
  const sqlite = join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const unpackedSqlite = join(packed.replace('app.asar', 'app.asar.unpacked'), sqlite);
  const pkcs11 = join(packed, 'pkcs11js');
  return {
    sqliteBinding: existsSync(unpackedSqlite) ? unpackedSqlite : existsSync(join(packed, sqlite)) ? join(packed, sqlite) : undefined,
    pkcs11Module: existsSync(join(pkcs11, 'index.js')) ? pkcs11 : undefined,
  };
}
