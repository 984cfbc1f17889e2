import { createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCustosError } from '../../../../shared/errors.js';
import { pkcs11js } from '../../../../src-main/core/kms/pkcs11/binding.js';
import { HSM_BLOB_BYTES, HSM_BLOB_FORMAT, hsmUnwrap, hsmWrap, hsmWrapper } from '../../../../src-main/core/kms/pkcs11/gcmWrap.js';
import { findKeyByLabel, generateWrappingKey, readKeyAttributes } from '../../../../src-main/core/kms/pkcs11/keys.js';
import { openHsmSession, type HsmSession } from '../../../../src-main/core/kms/pkcs11/session.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../../../helpers/softhsm.js';

const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED PKCS#11 wrap tests: ${unavailable}`);

const context = new Uint8Array(randomBytes(16));
const vector = JSON.parse(readFileSync(new URL('../../../vectors/pkcs11-blob-v1.json', import.meta.url), 'utf8')) as Record<string, string>;
const hex = (name: string) => new Uint8Array(Buffer.from(vector[name] ?? '', 'hex'));

describe.skipIf(unavailable !== null)('PKCS#11 wrap/unwrap with a real SoftHSM2 token', () => {
  let folder: SoftHsmFolder;
  let session: HsmSession;

  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken('custos-wrap');
  });
  afterAll(() => folder.remove());
  afterEach(() => session?.close());

  const open = () => (session = openHsmSession({ modulePath: SOFTHSM_MODULE, token: { label: 'custos-wrap' }, pin: USER_PIN }));

  it('generates a key in the token and round-trips a master key through AES-GCM', async () => {
    open();
    const key = generateWrappingKey(session, 'mk-wrap');
    const wrapper = hsmWrapper(session, key);
    const masterKey = new Uint8Array(randomBytes(32));
    const blob = await wrapper.wrap(masterKey, context);
    expect(blob.length).toBe(HSM_BLOB_BYTES);
    expect(blob[0]).toBe(HSM_BLOB_FORMAT);
    expect(Buffer.from(blob).includes(Buffer.from(masterKey))).toBe(false);
    expect(await wrapper.unwrap(blob, context)).toEqual(masterKey);
    // A fresh IV each time: the same key wraps to a different blob.
    expect(await wrapper.wrap(masterKey, context)).not.toEqual(blob);
    expect(wrapper.describe()).toEqual({ kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-wrap' }, keyLabel: 'mk-wrap', mechanism: 'CKM_AES_GCM', format: 1 });
  });

  it('the generated key is sensitive, non-extractable, AES-256, on the token, and cannot wrap other keys', () => {
    open();
    const key = generateWrappingKey(session, 'mk-attrs');
    expect(readKeyAttributes(session, key.handle)).toEqual({
      aes: true, lengthBytes: 32, token: true, sensitive: true, extractable: false, canEncrypt: true, canDecrypt: true,
    });
    const p = pkcs11js();
    expect(() => session.pkcs11.C_GetAttributeValue(session.handle, key.handle, [{ type: p.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    const flags = session.pkcs11.C_GetAttributeValue(session.handle, key.handle, [{ type: p.CKA_WRAP }, { type: p.CKA_UNWRAP }, { type: p.CKA_NEVER_EXTRACTABLE }]);
    expect(flags.map((f) => f.value[0])).toEqual([0, 0, 1]);
    // Once false, CKA_EXTRACTABLE can never be turned back on.
    expect(() => session.pkcs11.C_SetAttributeValue(session.handle, key.handle, [{ type: p.CKA_EXTRACTABLE, value: true }])).toThrow(/CKR_ATTRIBUTE_READ_ONLY/);
  });

  it('refuses to generate over an existing label', () => {
    open();
    generateWrappingKey(session, 'mk-dup');
    expect(() => generateWrappingKey(session, 'mk-dup')).toThrowError(expect.objectContaining({ code: 'HSM_KEY_EXISTS' }));
  });

  it('hold your own key: a key found by label in a later session unwraps what an earlier one wrapped', () => {
    open();
    const key = generateWrappingKey(session, 'mk-hyok');
    const masterKey = new Uint8Array(randomBytes(32));
    const blob = hsmWrap(session, key, masterKey, context);
    session.close();
    open();
    const found = findKeyByLabel(session, 'mk-hyok');
    expect(hsmUnwrap(session, found, blob, context)).toEqual(masterKey);
  });

  it('binds the context and every byte of the blob', () => {
    open();
    const key = generateWrappingKey(session, 'mk-tamper');
    const blob = hsmWrap(session, key, new Uint8Array(32).fill(9), context);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isCustosError(error) ? error.code : String(error);
      }
      return 'no error';
    };
    expect(code(() => hsmUnwrap(session, key, blob, new Uint8Array(16)))).toBe('HSM_UNWRAP_FAILED');
    for (const index of [0, 1, 12, 13, 44, HSM_BLOB_BYTES - 1]) {
      const bad = new Uint8Array(blob);
      bad[index] = (bad[index] ?? 0) ^ 0x01;
      expect(code(() => hsmUnwrap(session, key, bad, context)), `byte ${index}`).toBe('HSM_UNWRAP_FAILED');
    }
    expect(code(() => hsmUnwrap(session, key, blob.subarray(0, 60), context))).toBe('HSM_UNWRAP_FAILED');
    // The session is still usable after failed decryptions.
    expect(hsmUnwrap(session, key, blob, context)).toEqual(new Uint8Array(32).fill(9));
  });

  /** A throwaway session object with a known value, only for known-answer checks. */
  const knownKey = (keyBytes: Uint8Array) => {
    const p = pkcs11js();
    const handle = session.pkcs11.C_CreateObject(session.handle, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
      { type: p.CKA_TOKEN, value: false },
      { type: p.CKA_ENCRYPT, value: true },
      { type: p.CKA_DECRYPT, value: true },
      { type: p.CKA_VALUE, value: Buffer.from(keyBytes) },
    ]);
    return { handle, label: 'known' };
  };

  it('opens the format-1 test vector (fixed key, IV, context) to its master key', () => {
    open();
    expect(hsmUnwrap(session, knownKey(hex('hsmKey')), hex('blob'), hex('context'))).toEqual(hex('masterKey'));
  });

  it('SoftHSM2 really uses the IV and AAD it is given: its output equals Node AES-256-GCM for a known key', () => {
    open();
    const keyBytes = randomBytes(32);
    const known = knownKey(keyBytes).handle;
    const masterKey = new Uint8Array(randomBytes(32));
    const blob = hsmWrap(session, { handle: known, label: 'known' }, masterKey, context);
    const iv = blob.subarray(1, 13);
    const tag = blob.subarray(45);
    const aad = Buffer.concat([Buffer.from([0, 0, 0, 23]), Buffer.from('custos/unlock/pkcs11/v1'), Buffer.from([0, 0, 0, 16]), context]);
    const decipher = createDecipheriv('aes-256-gcm', keyBytes, iv).setAAD(aad).setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(blob.subarray(13, 45)), decipher.final()]);
    expect(new Uint8Array(plain)).toEqual(masterKey);
  });
});
