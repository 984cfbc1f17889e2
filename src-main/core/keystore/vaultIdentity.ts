import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { vaultFingerprintOf } from '../masterkey/subkeys.js';
import type { Keystore } from './keystore.js';
import { checkKeystoreFile } from './schemaCheck.js';
import { guardSqlite, openSqlite, type Db } from './sqlite.js';
import { printableName } from '../text/printable.js';

/** The vault's clear metadata (schema 7): readable on a locked keystore, checked at every unlock. */
export interface VaultIdentity {
  /** null only before the first unlock after the upgrade to schema 7. */
  vaultFingerprint: string | null;
  vaultName: string | null;
}

export const MAX_VAULT_NAME = 200;

/** Reads the metadata; null for a keystore older than schema 7 (nothing to show until it is unlocked once). */
export function readVaultIdentity(db: Db, schemaVersion: number): VaultIdentity | null {
  if (schemaVersion < 7) return null;
  const row = db.prepare('SELECT vault_fingerprint, vault_name FROM keystore WHERE singleton = 1').get() as { vault_fingerprint: string | null; vault_name: string | null } | undefined;
  return row ? { vaultFingerprint: row.vault_fingerprint, vaultName: row.vault_name } : null;
}

/**
 * The vault of a keystore that is not unlocked, for a listing (the unlock
 * screen, `custos info` before a password): reads the same checked file
 * `openKeystore` would and writes nothing. Not verified until an unlock,
 * which refuses a fingerprint that is not the master key's; null values for
 * a keystore not yet unlocked since its upgrade to schema 7.
 */
export function lockedVaultIdentity(path: string): VaultIdentity {
  const target = resolve(path);
  if (!existsSync(target)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${target}`);
  const db = openSqlite(target);
  try {
    const version = checkKeystoreFile(db, target);
    return guardSqlite(target, () => readVaultIdentity(db, version)) ?? { vaultFingerprint: null, vaultName: null };
  } finally {
    db.close();
  }
}

/** A name a person gives the vault: trimmed, 1 to 200 characters, no control characters. */
export function validVaultName(name: string): string {
  return printableName(name, MAX_VAULT_NAME, 'a vault name');
}

/**
 * After a verified unlock (inside a transaction): the stored fingerprint must
 * be the one the master key gives, since a locked listing shows it to people;
 * a keystore upgraded to schema 7 gets it here, once. Returns the fingerprint.
 */
export function settleVaultFingerprint(db: Db, masterKey: Uint8Array, path: string): string {
  const derived = vaultFingerprintOf(masterKey);
  const row = db.prepare('SELECT vault_fingerprint FROM keystore WHERE singleton = 1').get() as { vault_fingerprint: string | null };
  if (row.vault_fingerprint === null) db.prepare('UPDATE keystore SET vault_fingerprint = ? WHERE singleton = 1').run(derived);
  else if (row.vault_fingerprint !== derived) {
    throw new CustosError('KEYSTORE_CORRUPT', `${path} names vault ${row.vault_fingerprint}, but its master key is vault ${derived}: its metadata was edited; refusing to use it`);
  }
  return derived;
}

export function storeVaultFingerprint(db: Db, fingerprint: string): void {
  db.prepare('UPDATE keystore SET vault_fingerprint = ? WHERE singleton = 1').run(fingerprint);
}

export function storeVaultName(db: Db, name: string | null): void {
  db.prepare('UPDATE keystore SET vault_name = ? WHERE singleton = 1').run(name);
}

/** Gives the vault a (new) name, with its audit entry in the same transaction; returns the name it had. */
export function renameVault(keystore: Keystore, name: string): string | null {
  const to = validVaultName(name);
  return keystore.internal('write', (ctx) => {
    storeVaultName(ctx.db, to);
    ctx.audit.append({ operation: 'vault-rename', subject: { from: ctx.vaultName, to } });
    return ctx.vaultName;
  });
}
