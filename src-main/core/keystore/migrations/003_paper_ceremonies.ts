import type { Migration } from './index.js';

/**
 * Paper ceremonies: what was split and printed, and a keyed tag of each
 * share's words (never the words), so a single sheet can later be checked.
 */
export const migration003: Migration = {
  version: 3,
  description: 'paper ceremonies and the tags of their shares',
  up: `
    CREATE TABLE paper_ceremonies (
      id                 TEXT PRIMARY KEY,
      created_at         TEXT NOT NULL,
      identifier         INTEGER NOT NULL CHECK (identifier BETWEEN 0 AND 32767),
      group_threshold    INTEGER NOT NULL,
      groups             TEXT NOT NULL,
      iteration_exponent INTEGER NOT NULL,
      extendable         INTEGER NOT NULL CHECK (extendable IN (0, 1)),
      passphrase_used    INTEGER NOT NULL CHECK (passphrase_used IN (0, 1)),
      vault_fingerprint  TEXT NOT NULL,
      master_key_check   TEXT NOT NULL
    ) STRICT;

    CREATE TABLE paper_shares (
      ceremony_id  TEXT NOT NULL REFERENCES paper_ceremonies (id),
      group_index  INTEGER NOT NULL,
      member_index INTEGER NOT NULL,
      custodian    TEXT,
      tag          BLOB NOT NULL UNIQUE CHECK (length(tag) = 32),
      PRIMARY KEY (ceremony_id, group_index, member_index)
    ) STRICT;
  `,
};
