import type { Migration } from './index.js';

/**
 * The app's ceremony wizard session (docs/app.md, "The ceremony wizard"): at
 * most one row, the session as JSON (step, roles, quorum, per-sheet printed
 * and verified, the step log, and the keyed share tags once split; never the
 * share words), so a ceremony interrupted by a restart resumes where it stood.
 * The row is deleted when the ceremony is finished or abandoned.
 */
export const migration009: Migration = {
  version: 9,
  description: 'the app ceremony wizard session',
  up: `
    CREATE TABLE ceremony_session (
      id          INTEGER PRIMARY KEY CHECK (id = 1),
      session_id  TEXT NOT NULL CHECK (length(session_id) = 32),
      session     TEXT NOT NULL CHECK (json_valid(session)),
      updated_at  TEXT NOT NULL
    ) STRICT;
  `,
};
