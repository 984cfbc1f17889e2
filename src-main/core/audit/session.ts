import type { Db } from '../keystore/sqlite.js';
import type { AuditDraft, AuditRow } from './entry.js';
import { claimUnlockNotes, discardClaim, noteMacFields, noteUnlock, returnClaim, unreadableId, type ClaimedNotes } from './unlockNotes.js';
import type { AuditLog } from './log.js';
import { printableName } from '../text/printable.js';

const MAX_ACTOR = 100;

/** `--actor` / CUSTOS_ACTOR: a name of 1 to 100 printable characters, or null when not given. */
export function validateActor(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return printableName(text, MAX_ACTOR, 'an actor name');
}

/**
 * One unlocked session's view of the audit log: who is acting, and its
 * unlock. The unlock is noted beside the keystore the moment the key is
 * verified (a session that is never closed still leaves it); the session's
 * first change folds that note, and any others, into the chain in its own
 * transaction, before its own entries. A session that only reads leaves the
 * keystore file as it was (so `check` and `audit verify` never alter what
 * they inspect). Where the note cannot be written (a read-only folder), the
 * unlock entry waits in memory for the first change instead.
 */
export class AuditSession {
  private pending: AuditDraft[] = [];
  /** The keystore whose notes this session folds with its first change; null once folded (or when there are none to fold). */
  private notesOf: string | null = null;
  /** The notes a transaction folded, set aside until it commits (discarded) or rolls back (returned). */
  private claim: ClaimedNotes | null = null;
  /** The id of this session's own unlock note, if it was written. */
  noteId: string | null = null;

  constructor(
    readonly log: AuditLog,
    readonly actor: string | null,
  ) {}

  /** Notes this verified unlock beside the keystore, MACed under the audit root; its first change folds the notes. */
  recordUnlock(keystorePath: string, method: string, at = new Date()): void {
    this.notesOf = keystorePath;
    this.noteId = noteUnlock(keystorePath, { method, actor: this.actor, at }, (fields) => this.log.keys.noteMac(fields));
    if (this.noteId === null) this.pending.push({ operation: 'unlock', subject: { method } });
  }

  /** Call inside a write transaction (see `transaction`). */
  append(draft: AuditDraft): AuditRow {
    this.flush();
    return this.log.append(draft, this.actor);
  }

  /** Writes the unlock notes and the deferred entries now; call inside a write transaction. */
  flush(): void {
    if (this.notesOf) {
      this.claim = claimUnlockNotes(this.notesOf);
      this.notesOf = null;
      this.foldNotes(this.claim);
    }
    for (const waiting of this.pending.splice(0)) this.log.append(waiting, this.actor);
  }

  /**
   * One immediate transaction for a change and the entry `entry` makes of its
   * result (null: nothing changed, nothing to record). If anything throws,
   * including the append, all of it rolls back and deferred entries and notes
   * stay where they were. Folded notes are removed once committed.
   */
  transaction<T>(db: Db, fn: () => T, entry?: (result: T) => AuditDraft | null): T {
    const saved = { pending: [...this.pending], notesOf: this.notesOf };
    let result: T;
    try {
      result = db
        .transaction(() => {
          const value = fn();
          const draft = entry?.(value);
          if (draft) this.append(draft);
          return value;
        })
        .immediate();
    } catch (error) {
      this.pending = saved.pending;
      this.notesOf = saved.notesOf;
      if (this.claim) returnClaim(this.claim);
      this.claim = null;
      throw error;
    }
    if (this.claim) discardClaim(this.claim);
    this.claim = null;
    return result;
  }

  dispose(): void {
    this.pending = [];
    this.log.keys.dispose();
  }

  /**
   * Appends each note not already in the chain (a fold whose file removal did
   * not happen is not recorded twice). A successful unlock's note must carry
   * a MAC under this root: anyone can write the sidecar, and an `unlock` entry
   * names who unlocked, so a note without one is recorded as `unlock-unverified`.
   */
  private foldNotes(found: ClaimedNotes): void {
    const seen = this.log.db.prepare("SELECT 1 FROM audit_log WHERE operation IN ('unlock-failed', 'unlock', 'unlock-unverified') AND json_extract(subject, '$.id') = ?");
    for (const n of found.notes) {
      if (seen.get(n.id)) continue;
      if (n.op !== 'unlock') {
        this.log.append({ operation: 'unlock-failed', actor: n.actor, outcome: n.code, subject: { id: n.id, attemptedAt: n.at, method: n.method } }, this.actor);
        continue;
      }
      const verified = n.mac !== undefined && this.log.keys.noteMacOk(noteMacFields(n), Buffer.from(n.mac, 'hex'));
      const subject = { id: n.id, unlockedAt: n.at, method: n.method };
      if (verified) this.log.append({ operation: 'unlock', actor: n.actor, outcome: 'ok', subject }, this.actor);
      else this.log.append({ operation: 'unlock-unverified', actor: n.actor, outcome: 'NOTE_MAC_INVALID', subject }, this.actor);
    }
    if (found.unreadable.length > 0) {
      const id = unreadableId(found.unreadable);
      if (!seen.get(id)) this.log.append({ operation: 'unlock-failed', actor: null, outcome: 'UNREADABLE', subject: { id, unreadableLines: found.unreadable.length } }, this.actor);
    }
  }
}
