import type { Migration } from './index.js';

/**
 * Audit histories that came in with imported bundles (docs/formats/audit.md,
 * "Imported histories"): the source keystore's signed history document as
 * received, what it says (source keystore and vault, head), whether it
 * verified under this keystore's master key when it was imported, and the
 * bundle it came in. One row per distinct document; the restore host's
 * `audit verify --head` looks here for heads printed on the source's sheets.
 */
export const migration008: Migration = {
  version: 8,
  description: 'audit histories imported with backup bundles',
  up: `
    CREATE TABLE imported_audit_history (
      id                       INTEGER PRIMARY KEY,
      source_keystore_id       BLOB NOT NULL CHECK (length(source_keystore_id) = 16),
      source_vault_fingerprint TEXT NOT NULL,
      exported_at              TEXT NOT NULL,
      head_seq                 INTEGER NOT NULL CHECK (head_seq >= 0),
      head_hash                BLOB NOT NULL CHECK (length(head_hash) = 32),
      document                 TEXT NOT NULL,
      document_sha256          BLOB NOT NULL UNIQUE CHECK (length(document_sha256) = 32),
      verified                 INTEGER NOT NULL CHECK (verified IN (0, 1)),
      bundle_id                TEXT NOT NULL,
      pair_fingerprint         TEXT NOT NULL,
      imported_at              TEXT NOT NULL
    ) STRICT;
  `,
};
