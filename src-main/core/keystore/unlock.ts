import { CustosError } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { parseArgon2idParams } from '../crypto/kdf.js';
import { MASTER_KEY_BYTES } from '../masterkey/masterKey.js';
import { unwrapWithPassphrase } from '../masterkey/passphraseWrap.js';
import { keyCheckValue } from '../masterkey/subkeys.js';
import type { Db } from './sqlite.js';
import type { MethodCredentials } from './methods/kinds.js';
import { DENY_ALL, type ApprovalGate } from '../config/approvals.js';
import { unwrapMethod } from './methods/unwrap.js';

/**
 * How a caller proves it may open the keystore: the master key itself, or
 * the credentials of one stored unlock method (of that kind; `methodId`
 * chooses among several of the same kind).
 */
export type Unlock =
  | { kind: 'master-key'; masterKey: Uint8Array }
  | (MethodCredentials & { methodId?: number | undefined })
  | { kind: 'method'; methodId: number; credentials: CredentialSource };

/**
 * Credentials asked for only once the method's kind is known (unlock by id):
 * only the one the stored method needs is read or prompted for.
 */
export type CredentialSource = (kind: string, methodId: number) => Promise<MethodCredentials>;

/** What the audit log records as the unlock method. */
export function unlockLabel(unlock: Unlock): string {
  return unlock.kind === 'method' ? `method ${unlock.methodId}` : unlock.kind;
}

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

const KEYSTORE_ID_BYTES = 16;
const KEY_CHECK_BYTES = 32;

/**
 * Inside the write lock: another process may have rotated the master key
 * since this session unlocked (a write waits for the rotation's lock, then
 * finds records and audit head under a new root). Said as such, not as a
 * tampered log, and nothing is written.
 */
export function requireSameMasterKey(db: Db, path: string, keyCheck: Uint8Array): void {
  const row = db.prepare('SELECT key_check FROM keystore WHERE singleton = 1').get() as { key_check: Uint8Array } | undefined;
  if (!row || !equalBytes(row.key_check, keyCheck)) {
    throw new CustosError('MASTER_KEY_CHANGED', `the master key of ${path} was rotated by another process while this one had it open; nothing was changed. Run the command again with the new master key`);
  }
}

export function readIdentity(db: Db, path: string): KeystoreIdentity {
  const row = db.prepare('SELECT keystore_id, key_check, created_at FROM keystore WHERE singleton = 1').get() as
    | { keystore_id: Uint8Array; key_check: Uint8Array; created_at: string }
    | undefined;
  if (!row) throw new CustosError('KEYSTORE_CORRUPT', `${path} has no keystore identity row`);
  // A damaged file can hold any SQLite type in any column (its CHECK constraints are not re-run on read).
  const blob = (v: unknown, bytes: number) => v instanceof Uint8Array && v.length === bytes;
  if (!blob(row.keystore_id, KEYSTORE_ID_BYTES) || !blob(row.key_check, KEY_CHECK_BYTES) || typeof row.created_at !== 'string') {
    throw new CustosError('KEYSTORE_CORRUPT', `${path} has a damaged keystore identity row (its id or key check value is not what Custos writes)`);
  }
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
export async function resolveMasterKey(db: Db, identity: KeystoreIdentity, unlock: Unlock, approve: ApprovalGate = DENY_ALL): Promise<Uint8Array> {
  if (unlock.kind === 'master-key') {
    if (!checkMasterKey(unlock.masterKey, identity)) {
      throw new CustosError('WRONG_MASTER_KEY', 'the master key does not match this keystore (key check value differs); nothing was changed');
    }
    return new Uint8Array(unlock.masterKey);
  }
  if (unlock.kind === 'method') {
    const row = readUnlockMethods(db).find((m) => m.id === unlock.methodId);
    if (!row) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `this keystore has no unlock method ${unlock.methodId} (see 'custos unlock-methods list')`);
    const credentials = await unlock.credentials(row.kind, row.id);
    if (credentials.kind !== row.kind) throw new CustosError('INVALID_ARGUMENT', `unlock method ${row.id} is ${row.kind}, not ${credentials.kind}`);
    return resolveMasterKey(db, identity, { ...credentials, methodId: row.id }, approve);
  }
  if (unlock.kind !== 'passphrase') return unlockWithMethod(db, identity, unlock, approve);
  const methods = readUnlockMethods(db).filter((m) => m.kind === 'passphrase' && (unlock.methodId === undefined || m.id === unlock.methodId));
  if (methods.length === 0 && unlock.methodId !== undefined) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `this keystore has no passphrase method ${unlock.methodId}`);
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

/**
 * One stored method of another kind (HSM, Vault, paper). Exactly one row must
 * match; its failure is final (the typed error of its kind), never a reason
 * to try something else.
 */
async function unlockWithMethod(db: Db, identity: KeystoreIdentity, unlock: Exclude<Unlock, { kind: 'master-key' } | { kind: 'passphrase' } | { kind: 'method' }>, approve: ApprovalGate): Promise<Uint8Array> {
  const rows = readUnlockMethods(db).filter((m) => m.kind === unlock.kind && (unlock.methodId === undefined || m.id === unlock.methodId));
  if (rows.length === 0) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `this keystore has no ${unlock.kind} unlock method${unlock.methodId === undefined ? '' : ` ${unlock.methodId}`} (see 'custos unlock-methods list')`);
  const [row] = rows;
  if (!row || rows.length > 1) throw new CustosError('INVALID_ARGUMENT', `this keystore has ${rows.length} ${unlock.kind} unlock methods; choose one with --unlock-method ID`);
  const masterKey = await unwrapMethod(db, row, unlock, identity.keystoreId, approve);
  if (checkMasterKey(masterKey, identity)) return masterKey;
  wipe(masterKey);
  // A secret read from Vault KV or restored from shares is simply another key; a wrap that opened to one was tampered with.
  if (unlock.kind === 'vault-kv' || unlock.kind === 'paper') throw new CustosError('WRONG_MASTER_KEY', `the master key from unlock method ${row.id} (${row.kind}) does not match this keystore; nothing was changed`);
  throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} opened, but to a key that fails the key check value`);
}
