import type { Migration } from './index.js';

export const migration001: Migration = {
  version: 1,
  description: 'keystore identity, unlock methods, keys and key versions',
  up: `
    CREATE TABLE keystore (
      singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
      keystore_id BLOB NOT NULL CHECK (length(keystore_id) = 16),
      key_check   BLOB NOT NULL CHECK (length(key_check) = 32),
      created_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE unlock_methods (
      id         INTEGER PRIMARY KEY,
      kind       TEXT NOT NULL,
      label      TEXT NOT NULL,
      params     TEXT NOT NULL,
      wrapped    BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE keys (
      id              INTEGER PRIMARY KEY,
      name            TEXT NOT NULL UNIQUE,
      client_id       TEXT,
      zone_id         TEXT,
      purpose         TEXT NOT NULL,
      algorithm       TEXT NOT NULL,
      current_version INTEGER NOT NULL CHECK (current_version >= 1),
      created_at      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX keys_by_client ON keys (client_id);

    CREATE TABLE key_versions (
      key_id      INTEGER NOT NULL REFERENCES keys (id),
      version     INTEGER NOT NULL CHECK (version >= 1),
      state       TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'disabled', 'destroyed')),
      public_key  BLOB,
      sealed      BLOB,
      fingerprint TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      changed_at  TEXT NOT NULL,
      PRIMARY KEY (key_id, version),
      CHECK ((state = 'destroyed') = (sealed IS NULL))
    ) STRICT;
  `,
};
