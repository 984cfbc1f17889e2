import type { Migration } from './index.js';

/**
 * Lets a key version hold only its public part (imported from a public-only
 * bundle). SQLite cannot change a CHECK constraint in place, so key_versions
 * is rebuilt; secure_delete zeroes the old table's pages as they are freed.
 * A public-only version still has a `sealed` value: its fingerprint sealed
 * under the record identity, so its public key and metadata are as
 * tamper-evident as a full record. `sealed` is NULL exactly when destroyed.
 */
export const migration002: Migration = {
  version: 2,
  description: 'key versions may be public-only (imported without private material)',
  up: `
    CREATE TABLE key_versions_v2 (
      key_id      INTEGER NOT NULL REFERENCES keys (id),
      version     INTEGER NOT NULL CHECK (version >= 1),
      state       TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'disabled', 'destroyed')),
      public_key  BLOB,
      sealed      BLOB,
      public_only INTEGER NOT NULL DEFAULT 0 CHECK (public_only IN (0, 1)),
      fingerprint TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      changed_at  TEXT NOT NULL,
      PRIMARY KEY (key_id, version),
      CHECK ((sealed IS NULL) = (state = 'destroyed'))
    ) STRICT;
    INSERT INTO key_versions_v2 (key_id, version, state, public_key, sealed, public_only, fingerprint, created_at, changed_at)
      SELECT key_id, version, state, public_key, sealed, 0, fingerprint, created_at, changed_at FROM key_versions;
    DROP TABLE key_versions;
    ALTER TABLE key_versions_v2 RENAME TO key_versions;
  `,
};
