import { CustosError } from '../../../shared/errors.js';
import type { Db } from '../keystore/sqlite.js';
import type { CeremonySession } from './session.js';

/** The session row (migration 009), or null when no ceremony is under way. */
export function loadSession(db: Db): CeremonySession | null {
  const row = db.prepare('SELECT session_id, session FROM ceremony_session WHERE id = 1').get() as { session_id: string; session: string } | undefined;
  if (!row) return null;
  const session = JSON.parse(row.session) as CeremonySession;
  if (session.sessionId !== row.session_id) throw new CustosError('KEYSTORE_CORRUPT', 'the stored ceremony session does not match its row; abandon it and start again');
  return session;
}

/** Call inside a write transaction. */
export function saveSession(db: Db, session: CeremonySession, now = new Date()): void {
  db.prepare(
    'INSERT INTO ceremony_session (id, session_id, session, updated_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, session = excluded.session, updated_at = excluded.updated_at',
  ).run(session.sessionId, JSON.stringify(session), now.toISOString());
}

/** Call inside a write transaction. */
export function deleteSession(db: Db): void {
  db.prepare('DELETE FROM ceremony_session WHERE id = 1').run();
}
