import Database from 'better-sqlite3';
import { auditEntries, verifyAudit } from '../../src-main/core/audit/report.js';
import type { TranscriptEntry } from '../../src-main/core/audit/transcript.js';
import type { ExternalHead, VerifyOutcome } from '../../src-main/core/audit/verify.js';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { unlockNotesPath } from '../../src-main/core/audit/unlockNotes.js';
import type { Keystore } from '../../src-main/core/keystore/keystore.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';

/**
 * A test's own look at the log, which leaves no trace: it writes nothing to the keystore (its
 * unlock would be noted beside it, as any session's that changes nothing), and the notes file
 * is put back as it was, so assertions see only the sessions the test itself ran.
 */
async function inspect<T>(path: string, masterKey: Uint8Array, fn: (ks: Keystore) => T): Promise<T> {
  const notes = unlockNotesPath(path);
  const saved = existsSync(notes) ? readFileSync(notes) : null;
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  try {
    return fn(ks);
  } finally {
    ks.close();
    if (saved) writeFileSync(notes, saved, { mode: 0o600 });
    else rmSync(notes, { force: true });
  }
}

export async function entriesOf(path: string, masterKey: Uint8Array): Promise<TranscriptEntry[]> {
  return inspect(path, masterKey, (ks) => auditEntries(ks));
}

export async function verifyOf(path: string, masterKey: Uint8Array, external?: ExternalHead): Promise<VerifyOutcome> {
  return inspect(path, masterKey, (ks) => verifyAudit(ks, external));
}

/** Plain SQL on the file, as an attacker with write access would. */
export function sql(path: string, statements: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.exec(statements);
  } finally {
    db.close();
  }
}

/** A trigger that makes every audit insert fail, to show the change it records rolls back with it. */
export const REFUSE_AUDIT_INSERTS = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit insert refused by test'); END;";
export const ALLOW_AUDIT_INSERTS = 'DROP TRIGGER refuse_audit;';
