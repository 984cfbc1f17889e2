import { CustosError } from '../../../shared/errors.js';
import { open, seal } from '../crypto/aead.js';
import { encodeFields, utf8Bytes, wipe } from '../crypto/bytes.js';
import { deriveFromPassphrase, type Argon2idParams } from '../crypto/kdf.js';

function aad(keystoreId: Uint8Array, params: Argon2idParams): Uint8Array {
  // Binding the KDF parameters stops an attacker with write access from
  // quietly lowering them: the wrapped key would no longer open.
  return encodeFields(['custos/unlock/passphrase/v1', keystoreId, params.algorithm, params.memoryKiB, params.iterations, params.parallelism, params.salt]);
}

export async function wrapWithPassphrase(masterKey: Uint8Array, passphrase: string, params: Argon2idParams, keystoreId: Uint8Array): Promise<Uint8Array> {
  const kek = await deriveFromPassphrase(utf8Bytes(passphrase), params);
  try {
    return seal(kek, masterKey, aad(keystoreId, params));
  } finally {
    wipe(kek);
  }
}

/** Throws WRONG_PASSPHRASE when the passphrase (or anything bound to the wrap) is wrong. */
export async function unwrapWithPassphrase(wrapped: Uint8Array, passphrase: string, params: Argon2idParams, keystoreId: Uint8Array): Promise<Uint8Array> {
  const kek = await deriveFromPassphrase(utf8Bytes(passphrase), params);
  try {
    const masterKey = open(kek, wrapped, aad(keystoreId, params));
    if (masterKey === null) throw new CustosError('WRONG_PASSPHRASE', 'the passphrase does not unlock this keystore');
    return masterKey;
  } finally {
    wipe(kek);
  }
}
