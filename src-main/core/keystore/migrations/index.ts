import { CustosError } from '../../../../shared/errors.js';
import type { Db } from '../sqlite.js';
import { migration001 } from './001_initial.js';
import { migration002 } from './002_public_only.js';
import { migration003 } from './003_paper_ceremonies.js';
import { migration004 } from './004_audit_log.js';
import { migration005 } from './005_master_key_rotation.js';
import { migration006 } from './006_keks.js';
import { migration007 } from './007_vault_identity.js';
import { migration008 } from './008_imported_history.js';
import { migration009 } from './009_ceremony_session.js';

export interface Migration {
  version: number;
  description: string;
  up: string;
}

/** Forward-only, numbered; one file per migration. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function assertSupportedVersion(userVersion: number, path: string): void {
  if (userVersion > SCHEMA_VERSION) {
    throw new CustosError(
      'KEYSTORE_NEWER_SCHEMA',
      `${path} has schema version ${userVersion}; this Custos understands up to ${SCHEMA_VERSION}. Upgrade Custos to open it.`,
    );
  }
}

/**
 * Applies every migration above `from`, all in one transaction; `after` runs
 * inside that transaction once they are applied (the audit log starts there).
 */
export function migrate(db: Db, from: number, after?: () => void): void {
  const pending = MIGRATIONS.filter((m) => m.version > from);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    }
    after?.();
  }).immediate();
}
