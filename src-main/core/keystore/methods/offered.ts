import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { checkKeystoreFile } from '../schemaCheck.js';
import { guardSqlite, openSqlite } from '../sqlite.js';
import { isMethodKind, type MethodKind } from './kinds.js';

/** An unlock method as a locked vault's unlock screen offers it: which, never how (no parameters, no wrap). */
export interface OfferedMethod {
  id: number;
  kind: MethodKind;
  label: string;
  createdAt: string;
}

/**
 * The unlock methods of a keystore that is not unlocked, so a person can
 * choose one. Reads the same checked file `openKeystore` would (ours, not
 * newer than this build, schema as the migrations make it) and writes
 * nothing: no pragma that writes, no migration. A row of a kind this build
 * does not know means the file was altered.
 */
export function offeredUnlockMethods(path: string): OfferedMethod[] {
  const target = resolve(path);
  if (!existsSync(target)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${target}`);
  const db = openSqlite(target);
  try {
    checkKeystoreFile(db, target);
    const rows = guardSqlite(target, () => db.prepare('SELECT id, kind, label, created_at FROM unlock_methods ORDER BY id').all()) as Array<{ id: number; kind: string; label: string; created_at: string }>;
    return rows.map((row) => {
      if (!isMethodKind(row.kind)) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} has an unknown kind`);
      return { id: row.id, kind: row.kind, label: row.label, createdAt: row.created_at };
    });
  } finally {
    db.close();
  }
}
