import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync, chmodSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { pathExists } from '../files/outputFile.js';
import { toHex, wipe } from '../crypto/bytes.js';
import type { AuditDraft } from '../audit/entry.js';
import { auditKeysFor } from '../audit/keys.js';
import { AuditLog } from '../audit/log.js';
import { validateActor } from '../audit/session.js';
import type { Argon2idParams } from '../crypto/kdf.js';
import { MASTER_KEY_BYTES } from '../masterkey/masterKey.js';
import { wrapWithPassphrase } from '../masterkey/passphraseWrap.js';
import { keyCheckValue, vaultFingerprintOf } from '../masterkey/subkeys.js';
import { migrate, SCHEMA_VERSION } from './migrations/index.js';
import { APPLICATION_ID, applyPragmas, guardSqlite, openSqlite } from './sqlite.js';
import { validVaultName } from './vaultIdentity.js';

export interface CreateOptions {
  masterKey: Uint8Array;
  /** Also let a passphrase unwrap the master key (argon2id, parameters stored). */
  passphrase?: { text: string; params: Argon2idParams } | undefined;
  now?: Date;
  /** Recorded in the audit log's first entry (`init`). */
  actor?: string | null | undefined;
  /** More entries for the same transaction, after `init` (e.g. the paper restore that made this keystore). */
  auditAlso?: readonly AuditDraft[] | undefined;
  /** A human name for the vault (`init --name`), shown beside its fingerprint; none by default. */
  vaultName?: string | null | undefined;
}

export interface CreatedKeystore {
  path: string;
  keystoreId: string;
  vaultFingerprint: string;
  vaultName: string | null;
}

function removeSqliteFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/**
 * Creates a keystore file, mode 0600, in a folder created 0700 if missing.
 * It is built under a temporary name and linked into place only when
 * complete, so a crash never leaves a half-made keystore under the real name,
 * and an existing file is never overwritten (link fails with EEXIST).
 */
export async function createKeystore(path: string, options: CreateOptions): Promise<CreatedKeystore> {
  const target = resolve(path);
  if (options.masterKey.length !== MASTER_KEY_BYTES) throw new CustosError('MASTER_KEY_MALFORMED', 'a master key is exactly 32 bytes');
  if (pathExists(target)) throw new CustosError('KEYSTORE_EXISTS', `${target} already exists; refusing to overwrite it`);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });

  const keystoreId = new Uint8Array(randomBytes(16));
  const createdAt = (options.now ?? new Date()).toISOString();
  const wrapped = options.passphrase
    ? await wrapWithPassphrase(options.masterKey, options.passphrase.text, options.passphrase.params, keystoreId)
    : null;
  const kcv = keyCheckValue(options.masterKey, keystoreId);
  const actor = validateActor(options.actor);
  const vaultName = options.vaultName == null ? null : validVaultName(options.vaultName);
  const vaultFingerprint = vaultFingerprintOf(options.masterKey);

  const temp = `${target}.creating-${toHex(randomBytes(6))}`;
  try {
    closeSync(openSync(temp, 'wx', 0o600));
    chmodSync(temp, 0o600);
    const db = openSqlite(temp);
    try {
      guardSqlite(temp, () => {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        applyPragmas(db, temp);
        migrate(db, 0);
        db.transaction(() => {
          db.prepare('INSERT INTO keystore (singleton, keystore_id, key_check, created_at, vault_fingerprint, vault_name) VALUES (1, ?, ?, ?, ?, ?)').run(
            keystoreId,
            kcv,
            createdAt,
            vaultFingerprint,
            vaultName,
          );
          if (wrapped && options.passphrase) {
            db.prepare('INSERT INTO unlock_methods (kind, label, params, wrapped, created_at) VALUES (?, ?, ?, ?, ?)').run(
              'passphrase',
              'passphrase',
              JSON.stringify(options.passphrase.params),
              wrapped,
              createdAt,
            );
          }
          // Entry 1 of the audit log, in the transaction that makes the keystore.
          const log = new AuditLog(db, keystoreId, auditKeysFor(options.masterKey, keystoreId));
          try {
            const unlock = wrapped ? ['master-key', 'passphrase'] : ['master-key'];
            log.append({ operation: 'init', at: createdAt, subject: { keystoreId: toHex(keystoreId), vaultFingerprint, vaultName, unlock, schema: SCHEMA_VERSION } }, actor);
            for (const draft of options.auditAlso ?? []) log.append(draft, actor);
          } finally {
            log.keys.dispose();
          }
        }).immediate();
      });
    } finally {
      db.close();
    }
    try {
      linkSync(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CustosError('KEYSTORE_EXISTS', `${target} appeared while the keystore was being created; left it alone`);
      }
      throw error;
    }
    const dir = openSync(dirname(target), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return { path: target, keystoreId: toHex(keystoreId), vaultFingerprint, vaultName };
  } finally {
    removeSqliteFiles(temp);
    wipe(kcv);
  }
}
