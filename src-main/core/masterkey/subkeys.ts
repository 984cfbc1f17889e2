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
  paperShareTag: 'custos/v1/paper-share-tag',
  masterKeyCheck: 'custos/v1/master-key-check',
  auditRoot: 'custos/v1/audit-root',
} as const;

export function keyCheckValue(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.keyCheck);
}

export function recordWrapKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.recordWrap);
}

export function paperTagKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.paperShareTag);
}

/** The root of the audit log's keys (see docs/formats/audit.md for why it is derived, not stored). */
export function auditRootKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.auditRoot);
}

/**
 * A short check value of the master key alone (no keystore id), printed on
 * paper sheets and by `paper restore`: a wrong SLIP-0039 passphrase gives a
 * different secret without any error, and this is how a person notices.
 * 64 bits of an HKDF output reveal nothing useful about a 256-bit key.
 */
export function masterKeyCheck(masterKey: Uint8Array): string {
  const bytes = deriveSubkey(masterKey, new Uint8Array(0), SUBKEY_LABELS.masterKeyCheck, 8);
  return (Buffer.from(bytes).toString('hex').match(/.{4}/g) ?? []).join('-');
}
