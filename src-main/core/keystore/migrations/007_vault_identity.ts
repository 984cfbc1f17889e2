import type { Migration } from './index.js';

/**
 * One vault identity, and ceremony records that can travel (docs/formats/keystore.md).
 * The vault fingerprint depends on the master key, which SQL cannot see: an
 * upgraded keystore gets it in the migration's transaction, right after the
 * verified unlock (open.ts), and every unlock compares it with the derived one.
 * Ceremonies recorded before keep tag scheme 1, salted with this keystore's
 * id, which is copied into the row so the record still checks after it travels.
 */
export const migration007: Migration = {
  version: 7,
  description: 'vault fingerprint and name; tag scheme, salt and origin of paper ceremonies',
  up: `
    ALTER TABLE keystore ADD COLUMN vault_fingerprint TEXT CHECK (vault_fingerprint IS NULL OR length(vault_fingerprint) = 19);
    ALTER TABLE keystore ADD COLUMN vault_name TEXT CHECK (vault_name IS NULL OR length(vault_name) BETWEEN 1 AND 200);
    ALTER TABLE paper_ceremonies ADD COLUMN tag_salt BLOB;
    UPDATE paper_ceremonies SET tag_salt = (SELECT keystore_id FROM keystore WHERE singleton = 1);
    ALTER TABLE paper_ceremonies ADD COLUMN tag_scheme INTEGER NOT NULL DEFAULT 1 CHECK (tag_scheme IN (1, 2) AND (tag_scheme = 1) = (tag_salt IS NOT NULL));
    ALTER TABLE paper_ceremonies ADD COLUMN imported_from TEXT;
  `,
};
