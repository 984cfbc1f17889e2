import type { Migration } from './index.js';

/**
 * Master-key rotation supersedes every paper ceremony made before it: its
 * shares restore the old master key. `superseded_at` records when; the old
 * epoch's share-tag key is kept, sealed under the current record wrapping key
 * (docs/formats/paper.md), so `paper check` can still say a sheet is genuine
 * but superseded rather than forged.
 */
export const migration005: Migration = {
  version: 5,
  description: 'paper ceremonies superseded by a master-key rotation',
  up: `
    ALTER TABLE paper_ceremonies ADD COLUMN superseded_at TEXT;
    ALTER TABLE paper_ceremonies ADD COLUMN superseded_tag_key BLOB;
  `,
};
