import { CustosError } from '../../../shared/errors.js';
import type { Db } from '../keystore/sqlite.js';
import type { AuditDraft, AuditRow } from './entry.js';
import { claimUnlockNotes, discardClaim, noteQuietUnlock, returnClaim, type ClaimedNotes } from './unlockNotes.js';
import type { AuditLog } from './log.js';

const MAX_ACTOR = 100;

/** `--actor` / CUSTOS_ACTOR: a name of 1 to 100 printable characters, or null when not given. */
export function validateActor(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  const trimmed = text.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > MAX_ACTOR || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new CustosError('INVALID_ARGUMENT', `an actor name is 1 to ${MAX_ACTOR} printable characters`);
  }
  return trimmed;
}

/**
 * One unlocked session's view of the audit log: who is acting, and the
 * unlock entry, which waits for the session's first change and is written in
 * that change's transaction, after the unlock notes found beside the
 * keystore (failed unlocks, and earlier sessions that changed nothing). A
 * session that only reads leaves the keystore file as it was (so `check` and
 * `audit verify` never alter what they inspect) and notes its unlock beside
 * it when it closes.
 */
export class AuditSession {
  private pending: AuditDraft[] = [];
  private unlock: { draft: AuditDraft; method: string; at: Date } | null = null;
  /** The keystore whose notes this session folds with its first change; null once folded (or when there are none to fold). */
  private notesOf: string | null = null;
  /** The notes a transaction folded, set aside until it commits (discarded) or rolls back (returned). */
  private claim: ClaimedNotes | null = null;
  private keystorePath: string | null = null;

  constructor(
    readonly log: AuditLog,
    readonly actor: string | null,
  ) {}

  /** Unlock notes beside this keystore are folded into the chain by the session's first change. */
  attachNotes(keystorePath: string): void {
    this.keystorePath = keystorePath;
    this.notesOf = keystorePath;
  }

  /** This session's unlock: written with its first change, or noted beside the keystore at `close` if there is none. */
  deferUnlock(method: string, at = new Date()): void {
    const draft: AuditDraft = { operation: 'unlock', subject: { method } };
    this.unlock = { draft, method, at };
    this.pending.push(draft);
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

  /** Ends the session: an unlock that never reached the chain (nothing changed) is noted beside the keystore. */
  close(): void {
    const unlock = this.unlock;
    if (unlock && this.keystorePath && this.pending.includes(unlock.draft)) {
      // Closing cannot fail: a sidecar that cannot be written (a read-only medium) loses only this note.
      noteQuietUnlock(this.keystorePath, { method: unlock.method, actor: this.actor, at: unlock.at });
    }
    this.dispose();
  }

  dispose(): void {
    this.pending = [];
    this.unlock = null;
    this.log.keys.dispose();
  }

  /** Appends each note not already in the chain (a fold that crashed before removing the file is not recorded twice). */
  private foldNotes(found: ClaimedNotes): void {
    const seen = this.log.db.prepare("SELECT 1 FROM audit_log WHERE operation IN ('unlock-failed', 'unlock') AND json_extract(subject, '$.id') = ?");
    for (const n of found.notes) {
      if (seen.get(n.id)) continue;
      if (n.op === 'unlock') this.log.append({ operation: 'unlock', actor: n.actor, outcome: 'ok', subject: { id: n.id, unlockedAt: n.at, method: n.method, changed: false } }, this.actor);
      else this.log.append({ operation: 'unlock-failed', actor: n.actor, outcome: n.code, subject: { id: n.id, attemptedAt: n.at, method: n.method } }, this.actor);
    }
    if (found.unreadable > 0) this.log.append({ operation: 'unlock-failed', actor: null, outcome: 'UNREADABLE', subject: { unreadableLines: found.unreadable } }, this.actor);
  }
}
