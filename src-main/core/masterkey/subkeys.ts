import { deriveSubkey } from '../crypto/hkdf.js';

/**
 * Everything the keystore uses the master key for is a subkey derived with
 * HKDF-SHA256, salted with the keystore id, so the check value and the record
 * wrapping key are unrelated and a master key shared by two keystores yields
 * different subkeys in each. The exceptions (empty salt) are the values that
 * must be the same on every host holding the master key: the key check, the
 * vault fingerprint, the scheme-2 share-tag key and the key that seals a
 * superseded tag key inside a bundle.
 */
export const SUBKEY_LABELS = {
  keyCheck: 'custos/v1/key-check-value',
  recordWrap: 'custos/v1/record-wrap',
  paperShareTag: 'custos/v1/paper-share-tag',
  masterKeyCheck: 'custos/v1/master-key-check',
  auditRoot: 'custos/v1/audit-root',
  vaultFingerprint: 'custos/v2/vault-fingerprint',
  paperShareTagV2: 'custos/v2/paper-share-tag',
  /** Seals a superseded ceremony's tag key inside a bundle (bundle/tagKeyTransport.ts). */
  bundleTagKeyTransport: 'custos/v2/bundle-superseded-tag-key',
} as const;

const EMPTY_SALT = new Uint8Array(0);
const grouped = (bytes: Uint8Array) => (Buffer.from(bytes).toString('hex').match(/.{4}/g) ?? []).join('-');

export function keyCheckValue(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.keyCheck);
}

export function recordWrapKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.recordWrap);
}

/** Share-tag key of scheme 1 (ceremonies recorded before schema 7): salted with the keystore id that recorded them. */
export function paperTagKey(masterKey: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, keystoreId, SUBKEY_LABELS.paperShareTag);
}

/**
 * Share-tag key of scheme 2: the master key alone (empty salt), so any host
 * that holds the master key, a restore host included, recomputes a sheet's tag.
 */
export function paperTagKeyV2(masterKey: Uint8Array): Uint8Array {
  return deriveSubkey(masterKey, EMPTY_SALT, SUBKEY_LABELS.paperShareTagV2);
}

/**
 * The vault fingerprint a person compares (sheets, `custos info`, bundles,
 * `paper restore`): 64 bits of HKDF of the master key alone, so every host
 * holding the key shows the same value, and a master-key rotation changes it.
 */
export function vaultFingerprintOf(masterKey: Uint8Array): string {
  return grouped(deriveSubkey(masterKey, EMPTY_SALT, SUBKEY_LABELS.vaultFingerprint, 8));
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
  return grouped(deriveSubkey(masterKey, EMPTY_SALT, SUBKEY_LABELS.masterKeyCheck, 8));
}
