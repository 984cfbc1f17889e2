import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8Bytes } from '../crypto/bytes.js';
import type { AuditSession } from '../audit/session.js';
import type { Db } from './sqlite.js';

/** What Keystore.internal hands to other core modules for one transaction. */
export interface InternalContext {
  db: Db;
  keystoreId: Uint8Array;
  /** A copy, wiped when the transaction ends. */
  masterKey: Uint8Array;
  vaultFingerprint: string;
  /** Appends audit entries inside a write transaction, and reads the log. */
  audit: AuditSession;
}

/**
 * 16 hex digits in groups of four, from the keystore id and the key check
 * value: printed on paper sheets and shown by `custos info`. Not secret.
 */
export function vaultFingerprintOf(keystoreId: Uint8Array, keyCheck: Uint8Array): string {
  const digest = sha256(concatBytes(utf8Bytes('custos/vault-fingerprint/v1\0'), keystoreId, keyCheck));
  return (toHex(digest.subarray(0, 8)).match(/.{4}/g) ?? []).join('-');
}
