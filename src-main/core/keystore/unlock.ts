import { CustosError } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { parseArgon2idParams } from '../crypto/kdf.js';
import { MASTER_KEY_BYTES } from '../masterkey/masterKey.js';
import { unwrapWithPassphrase } from '../masterkey/passphraseWrap.js';
import { keyCheckValue } from '../masterkey/subkeys.js';
import type { Db } from './sqlite.js';

/** How a caller proves it may open the keystore. */
export type Unlock =
  | { kind: 'master-key'; masterKey: Uint8Array }
  | { kind: 'passphrase'; passphrase: string };

export interface KeystoreIdentity {
  keystoreId: Uint8Array;
  keyCheck: Uint8Array;
  createdAt: string;
}

export interface UnlockMethodRow {
  id: number;
  kind: string;
  label: string;
  params: string;
  wrapped: Uint8Array;
  created_at: string;
}

export function readIdentity(db: Db, path: string): KeystoreIdentity {
  const row = db.prepare('SELECT keystore_id, key_check, created_at FROM keystore WHERE singleton = 1').get() as
    | { keystore_id: Uint8Array; key_check: Uint8Array; created_at: string }
    | undefined;
  if (!row) throw new CustosError('KEYSTORE_CORRUPT', `${path} has no keystore identity row`);
  return { keystoreId: row.keystore_id, keyCheck: row.key_check, createdAt: row.created_at };
}

export function readUnlockMethods(db: Db): UnlockMethodRow[] {
  return db.prepare('SELECT id, kind, label, params, wrapped, created_at FROM unlock_methods ORDER BY id').all() as UnlockMethodRow[];
}

function checkMasterKey(masterKey: Uint8Array, identity: KeystoreIdentity): boolean {
  if (masterKey.length !== MASTER_KEY_BYTES) return false;
  const kcv = keyCheckValue(masterKey, identity.keystoreId);
  const ok = equalBytes(kcv, identity.keyCheck);
  wipe(kcv);
  return ok;
}

/**
 * Turns an unlock request into the verified master key (a fresh copy the
 * caller owns and must wipe). Reads only; never writes.
 */
export async function resolveMasterKey(db: Db, identity: KeystoreIdentity, unlock: Unlock): Promise<Uint8Array> {
  if (unlock.kind === 'master-key') {
    if (!checkMasterKey(unlock.masterKey, identity)) {
      throw new CustosError('WRONG_MASTER_KEY', 'the master key does not match this keystore (key check value differs); nothing was changed');
    }
    return new Uint8Array(unlock.masterKey);
  }
  const methods = readUnlockMethods(db).filter((m) => m.kind === 'passphrase');
  if (methods.length === 0) {
    throw new CustosError('MASTER_KEY_MISSING', 'this keystore has no passphrase; unlock it with its master key (CUSTOS_MASTER_KEY or --master-key-file)');
  }
  for (const method of methods) {
    const params = parseArgon2idParams(method.params);
    if (!params) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${method.id} has malformed KDF parameters`);
    let masterKey: Uint8Array;
    try {
      masterKey = await unwrapWithPassphrase(method.wrapped, unlock.passphrase, params, identity.keystoreId);
    } catch (error) {
      if (error instanceof CustosError && error.code === 'WRONG_PASSPHRASE') continue;
      throw error;
    }
    if (!checkMasterKey(masterKey, identity)) {
      wipe(masterKey);
      throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${method.id} opened, but to a key that fails the key check value`);
    }
    return masterKey;
  }
  throw new CustosError('WRONG_PASSPHRASE', 'the passphrase does not unlock this keystore; nothing was changed');
}
