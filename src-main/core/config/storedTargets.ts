import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { methodParams } from '../keystore/methods/params.js';
import { checkKeystoreFile } from '../keystore/schemaCheck.js';
import { guardSqlite, openSqlite } from '../keystore/sqlite.js';
import { moduleRealPath, vaultOrigin } from './approvals.js';

/** What a stored method would reach, before anyone approves it: a module's real path, or a Vault address (the CA is the caller's). */
export type StoredTarget = { kind: 'pkcs11-module'; path: string } | { kind: 'vault-server'; endpoint: string };

/**
 * Reads one unlock method's row from a keystore file (locked or not; nothing
 * is written) and says which module or server it names, so the host can show
 * it to a person and ask. Null for kinds that reach nothing (passphrase, paper).
 */
export function storedMethodTarget(path: string, methodId: number): StoredTarget | null {
  const target = resolve(path);
  if (!existsSync(target)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${target}`);
  const db = openSqlite(target);
  try {
    checkKeystoreFile(db, target);
    const row = guardSqlite(target, () => db.prepare('SELECT id, kind, params FROM unlock_methods WHERE id = ?').get(methodId)) as { id: number; kind: string; params: string } | undefined;
    if (!row) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `this keystore has no unlock method ${methodId}`);
    if (row.kind === 'pkcs11') return { kind: 'pkcs11-module', path: moduleRealPath(methodParams('pkcs11', row).modulePath) };
    if (row.kind === 'vault-transit' || row.kind === 'vault-kv') return { kind: 'vault-server', endpoint: vaultOrigin(methodParams(row.kind, row).endpoint) };
    return null;
  } finally {
    db.close();
  }
}
