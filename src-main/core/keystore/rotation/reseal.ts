import { CustosError } from '../../../../shared/errors.js';
import type { KeyAlgorithm, KeyPurpose } from '../../../../shared/keys.js';
import { open, seal } from '../../crypto/aead.js';
import { encodeFields, wipe } from '../../crypto/bytes.js';
import { openRecord, sealRecord, type RecordIdentity, type RecordKind } from '../records.js';
import type { Db } from '../sqlite.js';

const BATCH = 1000;

/** One sealed version as the re-seal reads it (the benchmark's raw baseline reads the same). */
export interface SealedRow {
  key_id: number;
  version: number;
  name: string;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  public_key: Uint8Array | null;
  public_only: number;
  sealed: Uint8Array;
}

/**
 * Opens every sealed record under the old wrapping key and seals it under the
 * new one, with the same identity (associated data) and kind. Pages through
 * the table (an open iterator would block the updates). A record that does
 * not open throws KEY_RECORD_TAMPERED and the caller's transaction rolls back.
 * Destroyed versions have nothing to re-seal, and records under a KEK stay
 * as they are (their KEK is re-sealed instead). Returns the count.
 */
export function resealRecords(db: Db, keystoreId: Uint8Array, oldWrap: Uint8Array, newWrap: Uint8Array): number {
  const page = db.prepare(
    `SELECT v.key_id, v.version, k.name, k.purpose, k.algorithm, v.public_key, v.public_only, v.sealed
     FROM key_versions v JOIN keys k ON k.id = v.key_id
     WHERE v.sealed IS NOT NULL AND k.kek_id IS NULL AND (v.key_id, v.version) > (?, ?) ORDER BY v.key_id, v.version LIMIT ?`,
  );
  const update = db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ? AND version = ?');
  let cursor: [number, number] = [0, 0];
  let count = 0;
  for (;;) {
    const rows = page.all(cursor[0], cursor[1], BATCH) as SealedRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const id: RecordIdentity = { keystoreId, name: row.name, purpose: row.purpose, algorithm: row.algorithm, version: row.version, publicKey: row.public_key };
      const kind: RecordKind = row.public_only === 1 ? 'public-only' : 'secret';
      const plain = openRecord(oldWrap, row.sealed, id, kind);
      if (!plain) {
        throw new CustosError('KEY_RECORD_TAMPERED', `'${row.name}' v${row.version} does not open under the current master key (edited, renamed, swapped or moved); nothing was rotated. Run 'custos check'`);
      }
      update.run(sealRecord(newWrap, plain, id, kind), row.key_id, row.version);
      wipe(plain);
      count++;
    }
    const last = rows[rows.length - 1];
    if (last) cursor = [last.key_id, last.version];
  }
  return count;
}

function tagKeyAad(keystoreId: Uint8Array, ceremonyId: string): Uint8Array {
  return encodeFields(['custos/paper-superseded-tag-key/v1', keystoreId, ceremonyId]);
}

/** Seals a superseded ceremony's share-tag key under this keystore's wrapping key (rotation, and import from a bundle). */
export function sealSupersededTagKey(wrap: Uint8Array, keystoreId: Uint8Array, ceremonyId: string, tagKey: Uint8Array): Uint8Array {
  return seal(wrap, tagKey, tagKeyAad(keystoreId, ceremonyId));
}

/** The share-tag key of a superseded ceremony's epoch, or null when its seal does not open. */
export function openSupersededTagKey(wrap: Uint8Array, keystoreId: Uint8Array, ceremonyId: string, sealed: Uint8Array): Uint8Array | null {
  return open(wrap, sealed, tagKeyAad(keystoreId, ceremonyId));
}

/**
 * Marks every current paper ceremony superseded (its shares restore the old
 * master key) and keeps that epoch's share-tag key sealed under the new
 * wrapping key, so `paper check` can still recognise its sheets. Ceremonies
 * superseded by an earlier rotation have their tag keys re-sealed. Returns
 * how many ceremonies this rotation superseded.
 */
export function supersedeCeremonies(
  db: Db,
  keystoreId: Uint8Array,
  keys: { oldWrap: Uint8Array; newWrap: Uint8Array; oldTagKey: (scheme: 1 | 2, salt: Uint8Array | null) => Uint8Array },
  at: string,
): number {
  const rows = db.prepare('SELECT id, tag_scheme, tag_salt, superseded_at, superseded_tag_key FROM paper_ceremonies ORDER BY id').all() as Array<{
    id: string;
    tag_scheme: number;
    tag_salt: Uint8Array | null;
    superseded_at: string | null;
    superseded_tag_key: Uint8Array | null;
  }>;
  const supersede = db.prepare('UPDATE paper_ceremonies SET superseded_at = ?, superseded_tag_key = ? WHERE id = ?');
  const reseal = db.prepare('UPDATE paper_ceremonies SET superseded_tag_key = ? WHERE id = ?');
  let superseded = 0;
  for (const row of rows) {
    // Superseded elsewhere and imported without its tag key (a public-only bundle): nothing to keep.
    if (row.superseded_at !== null && row.superseded_tag_key === null) continue;
    if (row.superseded_tag_key === null) {
      const oldTagKey = keys.oldTagKey(row.tag_scheme === 1 ? 1 : 2, row.tag_salt);
      supersede.run(at, seal(keys.newWrap, oldTagKey, tagKeyAad(keystoreId, row.id)), row.id);
      wipe(oldTagKey);
      superseded++;
      continue;
    }
    const tagKey = openSupersededTagKey(keys.oldWrap, keystoreId, row.id, row.superseded_tag_key);
    if (!tagKey) throw new CustosError('KEYSTORE_CORRUPT', `paper ceremony ${row.id}: its superseded share-tag key does not open; nothing was rotated`);
    reseal.run(seal(keys.newWrap, tagKey, tagKeyAad(keystoreId, row.id)), row.id);
    wipe(tagKey);
  }
  return superseded;
}
