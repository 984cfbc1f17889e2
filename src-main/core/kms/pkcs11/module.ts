import { moduleRealPath } from '../../config/approvals.js';
import { pkcs11js, type Pkcs11 } from './binding.js';
import { hsmCall, toHsmError } from './errors.js';

/**
 * A PKCS#11 library keeps one global state per process: a second C_Initialize
 * answers CKR_CRYPTOKI_ALREADY_INITIALIZED, and C_Finalize ends every session
 * anyone had open. So each library is loaded and initialised once, shared,
 * and finalised when the last user releases it.
 */
interface Loaded {
  pkcs11: Pkcs11;
  users: number;
  /** False when someone else in this process initialised the library: then it is not ours to finalise. */
  ownsInit: boolean;
}

const modules = new Map<string, Loaded>();

export interface Pkcs11Module {
  readonly path: string;
  readonly pkcs11: Pkcs11;
  /** Idempotent: the library is finalised when its last user releases it. */
  release(): void;
}


function load(real: string): Loaded {
  const p = pkcs11js();
  const pkcs11 = new p.PKCS11();
  hsmCall('load', () => pkcs11.load(real));
  let ownsInit = true;
  try {
    pkcs11.C_Initialize({ flags: p.CKF_OS_LOCKING_OK });
  } catch (error) {
    const mapped = toHsmError(error, 'initialize');
    if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test(mapped.message)) {
      pkcs11.close();
      throw mapped;
    }
    ownsInit = false;
  }
  return { pkcs11, users: 0, ownsInit };
}

/** Loads (or shares) the PKCS#11 library at `path`. Release it when done. */
export function openModule(path: string): Pkcs11Module {
  const real = moduleRealPath(path);
  let entry = modules.get(real);
  if (!entry) {
    entry = load(real);
    modules.set(real, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    path: real,
    pkcs11: held.pkcs11,
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      modules.delete(real);
      try {
        if (held.ownsInit) held.pkcs11.C_Finalize();
      } catch {
        // Finalising can only fail if the library is already finalised; nothing is left to clean.
      } finally {
        held.pkcs11.close();
      }
    },
  };
}
