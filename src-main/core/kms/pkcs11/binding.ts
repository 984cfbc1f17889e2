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

/** Loads the addon on first use, so importing this file costs nothing where no HSM is used. */
export function pkcs11js(): Pkcs11Js {
  try {
    loaded ??= createRequire(import.meta.url)('pkcs11js') as Pkcs11Js;
  } catch (error) {
    // Built for another runtime (Node's build in Electron, or the reverse): NATIVE_MODULE_UNAVAILABLE with the fix.
    throw nativeLoadError('pkcs11js', error) ?? error;
  }
  return loaded;
}
