import type { Migration } from './index.js';

/**
 * Optional key-encrypting keys between the master key and the keys, one per
 * client id or system name. A KEK is sealed under the master key's record
 * wrapping key; a key with `kek_id` is sealed under that KEK. Destroyed KEKs
 * keep their row (sealed NULL) as a record; only one live KEK per owner.
 */
export const migration006: Migration = {
  version: 6,
  description: 'key-encrypting keys (KEKs) per client id or system',
  up: `
    CREATE TABLE keks (
      id          INTEGER PRIMARY KEY,
      scope       TEXT NOT NULL CHECK (scope IN ('client', 'system')),
      owner       TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'destroyed')),
      sealed      BLOB,
      fingerprint TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      changed_at  TEXT NOT NULL,
      CHECK ((state = 'destroyed') = (sealed IS NULL))
    ) STRICT;
    CREATE UNIQUE INDEX keks_live_owner ON keks (scope, owner) WHERE state <> 'destroyed';
    ALTER TABLE keys ADD COLUMN kek_id INTEGER REFERENCES keks (id);
  `,
};
