import { CustosError, type ErrorCode } from '../../../../shared/errors.js';
import { pkcs11js } from './binding.js';

/** What the caller was doing, for the message and for codes that only mean something in one step. */
export type HsmStep = 'load' | 'initialize' | 'slots' | 'open-session' | 'login' | 'find-key' | 'generate-key' | 'inspect-key' | 'encrypt' | 'decrypt';

interface Pkcs11Failure {
  name: string;
  code: number;
}

/** pkcs11js throws Pkcs11Error (a CKR_* name and number) or NativeError; neither ever carries the PIN. */
function asPkcs11Failure(error: unknown): Pkcs11Failure | null {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== 'number') return null;
  const match = /CKR_[A-Z_]+/.exec(error.message);
  return match ? { name: match[0], code: (error as unknown as { code: number }).code } : null;
}

function codeFor(failure: Pkcs11Failure, step: HsmStep): ErrorCode {
  const p = pkcs11js();
  switch (failure.code) {
    case p.CKR_PIN_INCORRECT:
    case p.CKR_PIN_INVALID:
    case p.CKR_PIN_LEN_RANGE:
    case p.CKR_PIN_EXPIRED:
    case p.CKR_PIN_LOCKED:
    case p.CKR_USER_PIN_NOT_INITIALIZED:
      return 'HSM_PIN_INCORRECT';
    case p.CKR_TOKEN_NOT_PRESENT:
    case p.CKR_TOKEN_NOT_RECOGNIZED:
    case p.CKR_SLOT_ID_INVALID:
    case p.CKR_DEVICE_REMOVED:
      return 'HSM_TOKEN_NOT_FOUND';
    case p.CKR_OBJECT_HANDLE_INVALID:
    case p.CKR_KEY_HANDLE_INVALID:
      return 'HSM_KEY_NOT_FOUND';
    case p.CKR_KEY_FUNCTION_NOT_PERMITTED:
      return 'HSM_KEY_DISABLED';
    case p.CKR_KEY_TYPE_INCONSISTENT:
    case p.CKR_KEY_SIZE_RANGE:
      return 'HSM_KEY_UNSUITABLE';
    case p.CKR_ENCRYPTED_DATA_INVALID:
    case p.CKR_ENCRYPTED_DATA_LEN_RANGE:
      return 'HSM_UNWRAP_FAILED';
    case p.CKR_GENERAL_ERROR:
    case p.CKR_FUNCTION_FAILED:
      // SoftHSM2 (and some real HSMs) report a failed GCM tag check this way
      // instead of CKR_ENCRYPTED_DATA_INVALID; only during a decryption does it mean that.
      return step === 'decrypt' ? 'HSM_UNWRAP_FAILED' : 'HSM_ERROR';
    case p.CKR_LIBRARY_LOAD_FAILED:
      return 'HSM_MODULE_NOT_FOUND';
    default:
      return 'HSM_ERROR';
  }
}

/**
 * Turns whatever pkcs11js threw into a CustosError. A CustosError passes
 * through unchanged. The message names the step and the CKR_* code only.
 */
export function toHsmError(error: unknown, step: HsmStep): CustosError {
  if (error instanceof CustosError) return error;
  const failure = asPkcs11Failure(error);
  if (failure) return new CustosError(codeFor(failure, step), `HSM ${step} failed: ${failure.name}`);
  if (step === 'load') return new CustosError('HSM_MODULE_NOT_FOUND', 'the PKCS#11 module could not be loaded (not a PKCS#11 library, or a dependency is missing)');
  const reason = error instanceof Error ? error.message : String(error);
  return new CustosError('HSM_ERROR', `HSM ${step} failed: ${reason}`);
}

/** Runs one PKCS#11 call and maps its failure. */
export function hsmCall<T>(step: HsmStep, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toHsmError(error, step);
  }
}
