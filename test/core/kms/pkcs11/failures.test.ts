import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCustosError } from '../../../../shared/errors.js';
import { pkcs11js } from '../../../../src-main/core/kms/pkcs11/binding.js';
import { hsmUnwrap, hsmWrap } from '../../../../src-main/core/kms/pkcs11/gcmWrap.js';
import { findKeyByLabel, generateWrappingKey } from '../../../../src-main/core/kms/pkcs11/keys.js';
import { openHsmSession, withHsmSession, type HsmSession, type HsmSessionOptions } from '../../../../src-main/core/kms/pkcs11/session.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../../../helpers/softhsm.js';

const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED PKCS#11 failure tests: ${unavailable}`);

const context = new Uint8Array(16).fill(3);
const options: HsmSessionOptions = { modulePath: SOFTHSM_MODULE, token: { label: 'custos-fail' }, pin: USER_PIN };

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isCustosError(error)) return { code: error.code, message: error.message };
    return { code: `not a CustosError: ${String(error)}`, message: '' };
  }
  return { code: 'no error', message: '' };
}

describe.skipIf(unavailable !== null)('PKCS#11 failures map to typed codes (real SoftHSM2)', () => {
  let folder: SoftHsmFolder;
  let session: HsmSession | undefined;

  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken('custos-fail');
  });
  afterAll(() => folder.remove());
  afterEach(() => {
    session?.close();
    session = undefined;
  });

  it('wrong PIN → HSM_PIN_INCORRECT, and the PIN appears in no message', () => {
    const result = failure(() => openHsmSession({ ...options, pin: '98765' }));
    expect(result.code).toBe('HSM_PIN_INCORRECT');
    expect(result.message).toContain('CKR_PIN_INCORRECT');
    expect(result.message).not.toContain('98765');
  });

  it('missing module, missing token label, slot index out of range → typed codes', () => {
    expect(failure(() => openHsmSession({ ...options, modulePath: '/nonexistent/libpkcs11.so' })).code).toBe('HSM_MODULE_NOT_FOUND');
    expect(failure(() => openHsmSession({ ...options, modulePath: '/etc/hostname' })).code).toBe('HSM_MODULE_NOT_FOUND');
    expect(failure(() => openHsmSession({ ...options, token: { label: 'no-such-token' } })).code).toBe('HSM_TOKEN_NOT_FOUND');
    expect(failure(() => openHsmSession({ ...options, token: { slotIndex: 7 } })).code).toBe('HSM_TOKEN_NOT_FOUND');
    session = openHsmSession({ ...options, token: { slotIndex: 0 } });
    expect(session.tokenLabel).toBe('custos-fail');
  });

  it('a label no key carries → HSM_KEY_NOT_FOUND', () => {
    session = openHsmSession(options);
    expect(failure(() => findKeyByLabel(session as HsmSession, 'never-made')).code).toBe('HSM_KEY_NOT_FOUND');
  });

  it('hold your own key refuses an extractable key, an AES-128 key and an ambiguous label', () => {
    session = openHsmSession(options);
    const s = session;
    const p = pkcs11js();
    const make = (label: string, bytes: number, extractable: boolean) =>
      s.pkcs11.C_GenerateKey(s.handle, { mechanism: p.CKM_AES_KEY_GEN }, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
        { type: p.CKA_VALUE_LEN, value: bytes },
        { type: p.CKA_LABEL, value: label },
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_SENSITIVE, value: true },
        { type: p.CKA_EXTRACTABLE, value: extractable },
        { type: p.CKA_ENCRYPT, value: true },
        { type: p.CKA_DECRYPT, value: true },
      ]);
    make('exportable', 32, true);
    make('short', 16, false);
    make('twice', 32, false);
    make('twice', 32, false);
    const exportable = failure(() => findKeyByLabel(s, 'exportable'));
    expect(exportable).toEqual({ code: 'HSM_KEY_UNSUITABLE', message: expect.stringContaining('extractable') });
    expect(failure(() => findKeyByLabel(s, 'short'))).toEqual({ code: 'HSM_KEY_UNSUITABLE', message: expect.stringContaining('AES-128') });
    expect(failure(() => findKeyByLabel(s, 'twice'))).toEqual({ code: 'HSM_KEY_UNSUITABLE', message: expect.stringContaining('more than one') });
  });

  it('a destroyed key → HSM_KEY_NOT_FOUND, for the old handle and by label', () => {
    session = openHsmSession(options);
    const key = generateWrappingKey(session, 'doomed');
    const blob = hsmWrap(session, key, new Uint8Array(randomBytes(32)), context);
    session.pkcs11.C_DestroyObject(session.handle, key.handle);
    expect(failure(() => hsmUnwrap(session as HsmSession, key, blob, context)).code).toBe('HSM_KEY_NOT_FOUND');
    expect(failure(() => findKeyByLabel(session as HsmSession, 'doomed')).code).toBe('HSM_KEY_NOT_FOUND');
  });

  it('a disabled key (CKA_DECRYPT / CKA_ENCRYPT set false) → HSM_KEY_DISABLED, and works again once re-enabled', () => {
    session = openHsmSession(options);
    const p = pkcs11js();
    const key = generateWrappingKey(session, 'switchable');
    const masterKey = new Uint8Array(randomBytes(32));
    const blob = hsmWrap(session, key, masterKey, context);
    session.pkcs11.C_SetAttributeValue(session.handle, key.handle, [{ type: p.CKA_DECRYPT, value: false }]);
    expect(failure(() => hsmUnwrap(session as HsmSession, key, blob, context)).code).toBe('HSM_KEY_DISABLED');
    // Still found by label (it is a suitable key), but unwrap stays refused.
    const found = findKeyByLabel(session, 'switchable');
    expect(failure(() => hsmUnwrap(session as HsmSession, found, blob, context)).code).toBe('HSM_KEY_DISABLED');
    session.pkcs11.C_SetAttributeValue(session.handle, key.handle, [{ type: p.CKA_ENCRYPT, value: false }]);
    expect(failure(() => hsmWrap(session as HsmSession, key, masterKey, context)).code).toBe('HSM_KEY_DISABLED');
    session.pkcs11.C_SetAttributeValue(session.handle, key.handle, [{ type: p.CKA_DECRYPT, value: true }]);
    expect(hsmUnwrap(session, key, blob, context)).toEqual(masterKey);
  });

  it('every failure releases the library: after them, a new SOFTHSM2_CONF takes effect on the next open', async () => {
    failure(() => openHsmSession({ ...options, pin: '0000' }));
    failure(() => openHsmSession({ ...options, token: { label: 'absent' } }));
    await expect(withHsmSession(options, () => { throw new Error('caller failed'); })).rejects.toThrow('caller failed');
    const second = softHsmFolder();
    try {
      second.initToken('second-folder');
      // Only a re-initialised library reads the new configuration and sees this token.
      const label = await withHsmSession({ ...options, token: { label: 'second-folder' } }, (s) => s.tokenLabel);
      expect(label).toBe('second-folder');
      expect(failure(() => openHsmSession(options)).code).toBe('HSM_TOKEN_NOT_FOUND');
    } finally {
      second.remove();
      process.env.SOFTHSM2_CONF = `${folder.dir}/softhsm2.conf`;
    }
  });

  it('two sessions share one initialised library; closing one leaves the other working', () => {
    const a = openHsmSession(options);
    const b = openHsmSession(options);
    try {
      const key = generateWrappingKey(a, 'shared');
      a.close();
      const masterKey = new Uint8Array(randomBytes(32));
      const blob = hsmWrap(b, findKeyByLabel(b, 'shared'), masterKey, context);
      expect(hsmUnwrap(b, findKeyByLabel(b, 'shared'), blob, context)).toEqual(masterKey);
      expect(key.label).toBe('shared');
    } finally {
      a.close();
      b.close();
    }
  });
});
