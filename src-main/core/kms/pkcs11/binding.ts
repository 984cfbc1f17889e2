import { createRequire } from 'node:module';
import { nativeLoadError } from '../../nativeModules.js';
import type * as Pkcs11Exports from 'pkcs11js';
import type { Handle as Pkcs11Handle, PKCS11 } from 'pkcs11js';

/**
 * pkcs11js is a CommonJS native addon whose exports Node cannot list for an
 * ES module import (cjs-module-lexer sees only `module.exports = binding`), so
 * it is loaded with require. Its own declarations type it.
 */
export type Pkcs11Js = typeof Pkcs11Exports;
export type Pkcs11 = PKCS11;
export type Handle = Pkcs11Handle;

let loaded: Pkcs11Js | undefined;
let modulePath: string | undefined;

/**
 * Electron needs pkcs11js built for its own ABI: the app's worker points here
 * at that build's package folder (native/electron/…/addons/pkcs11js,
 * whose index.js requires its own ./build/Release/pkcs11.node), so the Node
 * build in node_modules (tests, CLI) stays as is. Call before the first use.
 */
export function usePkcs11Module(path: string | undefined): void {
  modulePath = path;
  loaded = undefined;
}

/** Loads the addon on first use, so importing this file costs nothing where no HSM is used. */
export function pkcs11js(): Pkcs11Js {
  try {
    // The literal name stays visible to test/build/electronBuilder.test.ts's walk of what the app imports.
    loaded ??= (modulePath === undefined ? createRequire(import.meta.url)('pkcs11js') : createRequire(import.meta.url)(modulePath)) as Pkcs11Js;
  } catch (error) {
    // Built for another runtime (Node's build in Electron, or the reverse): NATIVE_MODULE_UNAVAILABLE with the fix.
    throw nativeLoadError('pkcs11js', error) ?? error;
  }
  return loaded;
}
