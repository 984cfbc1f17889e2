import { CustosError } from '../../../shared/errors.js';
import type { Db } from '../keystore/sqlite.js';
import type { AuditDraft, AuditRow } from './entry.js';
import { readFailedUnlocks, removeFailedUnlocks } from './failedUnlocks.js';
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
 * that change's transaction. A session that only reads leaves the file as it
 * was (so `check` and `audit verify` never alter what they inspect).
 */
export class AuditSession {
  private pending: AuditDraft[] = [];

  constructor(
    readonly log: AuditLog,
    readonly actor: string | null,
  ) {}

  /** Written with the session's first change, before that change's own entry. */
  defer(draft: AuditDraft): void {
    this.pending.push(draft);
  }

  /** Call inside a write transaction (see `transaction`). */
  append(draft: AuditDraft): AuditRow {
    this.flush();
    return this.log.append(draft, this.actor);
  }

  /** Writes the deferred entries now; call inside a write transaction. */
  flush(): void {
    for (const waiting of this.pending.splice(0)) this.log.append(waiting, this.actor);
  }

  /**
   * One immediate transaction for a change and the entry `entry` makes of its
   * result (null: nothing changed, nothing to record). If anything throws,
   * including the append, all of it rolls back and deferred entries stay deferred.
   */
  transaction<T>(db: Db, fn: () => T, entry?: (result: T) => AuditDraft | null): T {
    const saved = [...this.pending];
    try {
      return db
        .transaction(() => {
          const result = fn();
          const draft = entry?.(result);
          if (draft) this.append(draft);
          return result;
        })
        .immediate();
    } catch (error) {
      this.pending = saved;
      throw error;
    }
  }

  /**
   * Moves the failed unlocks recorded beside the keystore into the chain (as
   * `unlock-failed` entries, then this unlock) in one transaction, then removes
   * the sidecar. On a log that refuses appends the sidecar stays as it is.
   */
  foldFailedUnlocks(db: Db, keystorePath: string): number {
    const found = readFailedUnlocks(keystorePath);
    if (!found) return 0;
    const seen = db.prepare("SELECT 1 FROM audit_log WHERE operation = 'unlock-failed' AND json_extract(subject, '$.id') = ?");
    let folded = 0;
    try {
      this.transaction(db, () => {
        for (const a of found.attempts) {
          if (seen.get(a.id)) continue;
          this.log.append({ operation: 'unlock-failed', actor: a.actor, outcome: a.code, subject: { id: a.id, attemptedAt: a.at, method: a.method } }, this.actor);
          folded++;
        }
        if (found.unreadable > 0) {
          this.log.append({ operation: 'unlock-failed', actor: null, outcome: 'UNREADABLE', subject: { unreadableLines: found.unreadable } }, this.actor);
          folded++;
        }
        this.flush();
      });
    } catch (error) {
      if (error instanceof CustosError && (error.code === 'AUDIT_TAMPERED' || error.code === 'AUDIT_WRITE_FAILED')) return 0;
      throw error;
    }
    removeFailedUnlocks(keystorePath);
    return folded;
  }

  dispose(): void {
    this.pending = [];
    this.log.keys.dispose();
  }
}
