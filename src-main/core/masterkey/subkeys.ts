import { deriveSubkey } from '../crypto/hkdf.js';

/**
 * Everything the keystore uses the master key for is a subkey derived with
 * HKDF-SHA256, salted with the keystore id, so the check value and the record
 * wrapping key are unrelated and a master key shared by two keystores yields
 * different subkeys in each.
 */
export const SUBKEY_LABELS = {
  keyCheck: 'custos/v1/key-check-value',
  recordWrap: 'custos/v1/record-wrap',
} as const;

export function keyCheckValue(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.keyCheck);
}

export function recordWrapKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.recordWrap);
}
