import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../../shared/errors.js';
import { pkcs11js } from '../../../../src-main/core/kms/pkcs11/binding.js';
import { toHsmError } from '../../../../src-main/core/kms/pkcs11/errors.js';

/** Shaped as pkcs11js's Pkcs11Error: message is the CKR name, code its number. */
function ckr(name: string): Error {
  const p = pkcs11js() as unknown as Record<string, number>;
  return Object.assign(new Error(name), { name: 'Pkcs11Error', code: p[name] });
}

describe('toHsmError', () => {
  it.each([
    ['CKR_PIN_INCORRECT', 'login', 'HSM_PIN_INCORRECT'],
    ['CKR_PIN_LOCKED', 'login', 'HSM_PIN_INCORRECT'],
    ['CKR_TOKEN_NOT_PRESENT', 'open-session', 'HSM_TOKEN_NOT_FOUND'],
    ['CKR_OBJECT_HANDLE_INVALID', 'decrypt', 'HSM_KEY_NOT_FOUND'],
    ['CKR_KEY_HANDLE_INVALID', 'encrypt', 'HSM_KEY_NOT_FOUND'],
    ['CKR_KEY_FUNCTION_NOT_PERMITTED', 'decrypt', 'HSM_KEY_DISABLED'],
    ['CKR_KEY_TYPE_INCONSISTENT', 'encrypt', 'HSM_KEY_UNSUITABLE'],
    ['CKR_ENCRYPTED_DATA_INVALID', 'decrypt', 'HSM_UNWRAP_FAILED'],
    // SoftHSM2 reports a failed GCM tag as CKR_GENERAL_ERROR: that means "tampered" only while decrypting.
    ['CKR_GENERAL_ERROR', 'decrypt', 'HSM_UNWRAP_FAILED'],
    ['CKR_GENERAL_ERROR', 'encrypt', 'HSM_ERROR'],
    ['CKR_DEVICE_ERROR', 'login', 'HSM_ERROR'],
  ] as const)('%s during %s → %s', (name, step, code) => {
    const mapped = toHsmError(ckr(name), step);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(name);
  });

  it('passes a CustosError through and names a module that will not load', () => {
    const original = new CustosError('HSM_KEY_EXISTS', 'x');
    expect(toHsmError(original, 'generate-key')).toBe(original);
    expect(toHsmError(new Error('dlopen failed: /x.so: invalid ELF header'), 'load').code).toBe('HSM_MODULE_NOT_FOUND');
    expect(toHsmError(new TypeError('bad'), 'encrypt').code).toBe('HSM_ERROR');
  });
});
