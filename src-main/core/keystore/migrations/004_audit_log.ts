import type { Migration } from './index.js';

/**
 * The tamper-evident audit log (docs/formats/audit.md): entries chained by
 * hash and authenticated by a MAC whose key depends on the position, and the
 * authenticated head (the newest seq and hash), so that cutting entries off
 * the end is as visible as editing one. The log is started (entry 1,
 * `audit-start`) in the same transaction as this migration; new keystores
 * start theirs with `init`.
 */
export const migration004: Migration = {
  version: 4,
  description: 'tamper-evident audit log and its authenticated head',
  up: `
    CREATE TABLE audit_log (
      seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
      at        TEXT NOT NULL,
      operation TEXT NOT NULL,
      actor     TEXT,
      subject   TEXT NOT NULL CHECK (json_valid(subject)),
      outcome   TEXT NOT NULL,
      prev      BLOB NOT NULL CHECK (length(prev) = 32),
      hash      BLOB NOT NULL CHECK (length(hash) = 32),
      mac       BLOB NOT NULL CHECK (length(mac) = 32)
    ) STRICT;

    CREATE TABLE audit_head (
      singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      seq       INTEGER NOT NULL CHECK (seq >= 0),
      hash      BLOB NOT NULL CHECK (length(hash) = 32),
      mac       BLOB NOT NULL CHECK (length(mac) = 32)
    ) STRICT;
  `,
};
