/**
 * `acra-keys export` / `acra-keys import` bundles of keystore v1 (acra
 * keystore/filesystem/filesystem_backup.go, cmd/acra-keys/keys/export.go):
 * the bundle file (`--key_bundle_file`) is Themis Secure Cell Seal, under a
 * fresh random 32-byte key and no context, of the gob list of keys; the
 * secret file (`--key_bundle_secret`) is those 32 raw bytes. Both are 0600.
 */
import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { openWithKey, sealWithKey } from '../themis/secureCellSeal.js';
import { decodeAcraKeyList, encodeAcraKeyList, type AcraKeyEntry } from './gobKeys.js';

/** keystore.GenerateSymmetricKey: 32 random bytes. */
export const BUNDLE_SECRET_BYTES = 32;
const NO_CONTEXT = new Uint8Array(0);

export interface SealedAcraBundle {
  data: Uint8Array;
  secret: Uint8Array;
}

/** Seals the entries as acra-keys export does, under a fresh secret. The caller wipes the secret after writing it. */
export function sealAcraKeysBundle(entries: readonly AcraKeyEntry[]): SealedAcraBundle {
  const secret = new Uint8Array(randomBytes(BUNDLE_SECRET_BYTES));
  const plain = encodeAcraKeyList(entries);
  try {
    return { data: sealWithKey(secret, plain, NO_CONTEXT), secret };
  } finally {
    wipe(plain);
  }
}

/**
 * Opens a bundle with its secret. A secret of the wrong size is
 * ACCESS_KEYS_MALFORMED; a bundle that does not open under it (another
 * export's secret, changed or cut bytes) is BUNDLE_TAMPERED; a payload that is
 * not the gob list is BUNDLE_MALFORMED. The caller wipes each content.
 */
export function openAcraKeysBundle(data: Uint8Array, secret: Uint8Array): AcraKeyEntry[] {
  if (secret.length !== BUNDLE_SECRET_BYTES) {
    throw new CustosError('ACCESS_KEYS_MALFORMED', `an acra-keys bundle secret is ${BUNDLE_SECRET_BYTES} raw bytes; this file has ${secret.length}`);
  }
  const plain = openWithKey(secret, data, NO_CONTEXT);
  if (!plain) throw new CustosError('BUNDLE_TAMPERED', 'the acra-keys bundle does not open with this secret: it belongs to another export, or its bytes were changed or cut');
  try {
    return decodeAcraKeyList(plain);
  } finally {
    wipe(plain);
  }
}
