import Database from 'better-sqlite3';
import { auditEntries, verifyAudit } from '../../src-main/core/audit/report.js';
import type { TranscriptEntry } from '../../src-main/core/audit/transcript.js';
import type { ExternalHead, VerifyOutcome } from '../../src-main/core/audit/verify.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';

/** Reads the log with a fresh unlock (which writes nothing: the unlock entry waits for a change). */
export async function entriesOf(path: string, masterKey: Uint8Array): Promise<TranscriptEntry[]> {
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  try {
    return auditEntries(ks);
  } finally {
    ks.close();
  }
}

export async function verifyOf(path: string, masterKey: Uint8Array, external?: ExternalHead): Promise<VerifyOutcome> {
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  try {
    return verifyAudit(ks, external);
  } finally {
    ks.close();
  }
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
