import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { noteFailedUnlock, RECORDED_UNLOCK_FAILURES } from '../audit/unlockNotes.js';
import { auditKeysFor } from '../audit/keys.js';
import { AuditLog } from '../audit/log.js';
import { AuditSession, validateActor } from '../audit/session.js';
import type { ApprovalGate } from '../config/approvals.js';
import { settleInterruptedExports } from '../bundle/exportJournal.js';
import { Keystore } from './keystore.js';
import { checkKeystoreFile } from './schemaCheck.js';
import { migrate, SCHEMA_VERSION } from './migrations/index.js';
import { applyConnectionPragmas, applyJournalMode, guardSqlite, openSqlite, type Db } from './sqlite.js';
import { readIdentity, resolveMasterKey, unlockLabel, type KeystoreIdentity, type Unlock } from './unlock.js';
import { settleVaultFingerprint } from './vaultIdentity.js';

export interface OpenOptions {
  /** Who is acting (`--actor`, CUSTOS_ACTOR), recorded in every audit entry of the session. */
  actor?: string | null | undefined;
  /** Which PKCS#11 modules and Vault servers a stored method may use (config/approvals.ts); none when absent. */
  approvals?: ApprovalGate | undefined;
}

/** The schema version that added the audit log: opening an older file starts its log. */
const AUDIT_LOG_SCHEMA = 4;
/** The schema version that added the vault fingerprint: an upgrade stores it in the migration's transaction. */
const VAULT_IDENTITY_SCHEMA = 7;

/**
 * Opens and unlocks a keystore. Until the master key is verified against the
 * stored check value nothing is written to it: the header is read first, a
 * file that is not ours or is newer than this build is refused, and only a
 * verified unlock runs pending migrations. A wrong key or passphrase is
 * noted in the unlock-notes file beside the keystore instead, and so is
 * every verified unlock; the session's first change folds those notes into
 * the audit log (see audit/unlockNotes.ts), so reading writes nothing.
 */
export async function openKeystore(path: string, unlock: Unlock, options: OpenOptions = {}): Promise<Keystore> {
  const target = resolve(path);
  if (!existsSync(target)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${target} (create one with 'custos init')`);
  // An export that a crash cut short between its two files is settled first (bundle/exportJournal.ts).
  settleInterruptedExports(target);
  const actor = validateActor(options.actor);
  const db = openSqlite(target);
  let masterKey: Uint8Array | null = null;
  let audit: AuditSession | null = null;
  try {
    const userVersion = checkKeystoreFile(db, target);
    applyConnectionPragmas(db, target);
    const identity = guardSqlite(target, () => readIdentity(db, target));
    masterKey = await verifiedMasterKey(target, db, identity, unlock, actor, options.approvals);
    const key = masterKey;
    // A stored fingerprint that is not this key's is refused before the journal mode changes the file's header.
    if (userVersion >= VAULT_IDENTITY_SCHEMA) guardSqlite(target, () => settleVaultFingerprint(db, key, target));
    applyJournalMode(db, target);
    const session = new AuditSession(new AuditLog(db, identity.keystoreId, auditKeysFor(masterKey, identity.keystoreId)), actor);
    audit = session;
    const verifiedKey = masterKey;
    const afterMigrations = () => {
      if (userVersion < AUDIT_LOG_SCHEMA) session.log.append({ operation: 'audit-start', subject: { fromSchema: userVersion, toSchema: SCHEMA_VERSION } }, actor);
      if (userVersion < VAULT_IDENTITY_SCHEMA) settleVaultFingerprint(db, verifiedKey, target);
    };
    // Every unlock has now checked the fingerprint a locked listing shows against this master key: before
    // the journal mode changed (schema 7 and later), or as the migration to schema 7 stored it.
    guardSqlite(target, () => migrate(db, userVersion, afterMigrations));
    session.recordUnlock(target, unlockLabel(unlock));
    const keystore = new Keystore(db, target, identity, masterKey, session);
    masterKey = null;
    return keystore;
  } catch (error) {
    wipe(masterKey);
    audit?.dispose();
    closeQuietly(db);
    throw error;
  }
}

/** The verified master key; a wrong key or passphrase is noted beside the keystore before the error goes on. */
async function verifiedMasterKey(target: string, db: Db, identity: KeystoreIdentity, unlock: Unlock, actor: string | null, approve: ApprovalGate | undefined): Promise<Uint8Array> {
  try {
    return await resolveMasterKey(db, identity, unlock, approve);
  } catch (error) {
    if (!(error instanceof CustosError) || !RECORDED_UNLOCK_FAILURES.includes(error.code)) throw error;
    const failed = noteFailedUnlock(target, { method: unlockLabel(unlock), code: error.code, actor });
    if (failed) throw new CustosError(error.code, `${error.message} (the failed attempt could not be recorded beside the keystore: ${failed})`, { cause: error });
    throw error;
  }
}

function closeQuietly(db: Db): void {
  try {
    db.close();
  } catch {
    // already failing; the original error matters
  }
}
