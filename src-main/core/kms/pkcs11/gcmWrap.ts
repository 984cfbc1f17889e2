import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../../shared/errors.js';
import { encodeFields, wipe } from '../../crypto/bytes.js';
import { MASTER_KEY_BYTES } from '../../masterkey/masterKey.js';
import type { MasterKeyWrapper, WrapperDescription } from '../types.js';
import { pkcs11js } from './binding.js';
import { hsmCall } from './errors.js';
import type { HsmKey } from './keys.js';
import type { HsmSession } from './session.js';

/**
 * Blob v1: format byte 0x01 ‖ 12-byte IV ‖ AES-256-GCM ciphertext of the
 * master key (32) ‖ tag (16) = 61 bytes. Documented in docs/formats/unlock-methods.md.
 */
export const HSM_BLOB_FORMAT = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const HSM_BLOB_BYTES = 1 + IV_BYTES + MASTER_KEY_BYTES + TAG_BYTES;

/** The domain string keeps a blob from being accepted by any other Custos use of the same HSM key. */
function aad(context: Uint8Array): Buffer {
  return Buffer.from(encodeFields(['custos/unlock/pkcs11/v1', context]));
}

function gcm(iv: Buffer, context: Uint8Array) {
  const p = pkcs11js();
  return { mechanism: p.CKM_AES_GCM, parameter: { type: p.CK_PARAMS_AES_GCM, iv, aad: aad(context), ivBits: IV_BYTES * 8, tagBits: TAG_BYTES * 8 } };
}

/** Encrypts the master key inside the HSM; the IV comes from the operating system's CSPRNG. */
export function hsmWrap(session: HsmSession, key: HsmKey, masterKey: Uint8Array, context: Uint8Array): Uint8Array {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new CustosError('MASTER_KEY_MALFORMED', 'a master key is exactly 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const input = Buffer.from(masterKey);
  const output = Buffer.alloc(MASTER_KEY_BYTES + TAG_BYTES);
  try {
    const sealed = hsmCall('encrypt', () => {
      session.pkcs11.C_EncryptInit(session.handle, gcm(iv, context), key.handle);
      return session.pkcs11.C_Encrypt(session.handle, input, output);
    });
    if (sealed.length !== MASTER_KEY_BYTES + TAG_BYTES) throw new CustosError('HSM_ERROR', `the HSM returned ${sealed.length} bytes of AES-GCM output; expected ${MASTER_KEY_BYTES + TAG_BYTES}`);
    const blob = new Uint8Array(HSM_BLOB_BYTES);
    blob[0] = HSM_BLOB_FORMAT;
    blob.set(iv, 1);
    blob.set(sealed, 1 + IV_BYTES);
    return blob;
  } finally {
    wipe(input);
  }
}

/** Decrypts inside the HSM. Wrong key, wrong context or any changed byte → HSM_UNWRAP_FAILED. */
export function hsmUnwrap(session: HsmSession, key: HsmKey, blob: Uint8Array, context: Uint8Array): Uint8Array {
  if (blob.length !== HSM_BLOB_BYTES || blob[0] !== HSM_BLOB_FORMAT) {
    throw new CustosError('HSM_UNWRAP_FAILED', `not a Custos PKCS#11 blob (format ${HSM_BLOB_FORMAT}, ${HSM_BLOB_BYTES} bytes)`);
  }
  const iv = Buffer.from(blob.subarray(1, 1 + IV_BYTES));
  const sealed = Buffer.from(blob.subarray(1 + IV_BYTES));
  const output = Buffer.alloc(sealed.length);
  try {
    const opened = hsmCall('decrypt', () => {
      session.pkcs11.C_DecryptInit(session.handle, gcm(iv, context), key.handle);
      return session.pkcs11.C_Decrypt(session.handle, sealed, output);
    });
    if (opened.length !== MASTER_KEY_BYTES) throw new CustosError('HSM_UNWRAP_FAILED', `the HSM opened the blob to ${opened.length} bytes, not a master key`);
    return new Uint8Array(opened);
  } finally {
    wipe(output);
  }
}

/** The PKCS#11 root as a MasterKeyWrapper, bound to one open session and key. */
export function hsmWrapper(session: HsmSession, key: HsmKey): MasterKeyWrapper<Uint8Array> {
  const description: WrapperDescription = {
    kind: 'pkcs11',
    modulePath: session.modulePath,
    token: session.token,
    keyLabel: key.label,
    mechanism: 'CKM_AES_GCM',
    format: HSM_BLOB_FORMAT,
  };
  return {
    describe: () => ({ ...description }),
    wrap: async (masterKey, context) => hsmWrap(session, key, masterKey, context),
    unwrap: async (blob, context) => hsmUnwrap(session, key, blob, context),
  };
}
