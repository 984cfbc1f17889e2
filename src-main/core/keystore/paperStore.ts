import { wipe } from '../crypto/bytes.js';
import { paperTagKey } from '../masterkey/subkeys.js';
import { shareTag, type CeremonyRecord, type CeremonyShare } from '../paper/ceremony.js';
import type { Db } from './sqlite.js';

export type CeremonySummary = Omit<CeremonyRecord, 'shares'> & {
  /** When a master-key rotation superseded the ceremony (its shares restore the old key); null while current. */
  supersededAt: string | null;
};

export interface FoundShare {
  ceremony: CeremonySummary;
  groupIndex: number;
  memberIndex: number;
  custodian: string | null;
  /** When a master-key rotation superseded the ceremony (its shares restore the old key); null while current. */
  supersededAt: string | null;
}

interface CeremonyRow {
  id: string;
  created_at: string;
  identifier: number;
  group_threshold: number;
  groups: string;
  iteration_exponent: number;
  extendable: number;
  passphrase_used: number;
  vault_fingerprint: string;
  master_key_check: string;
  superseded_at: string | null;
  tag_scheme: number;
  tag_salt: Uint8Array | null;
  imported_from: string | null;
}

function toCeremony(row: CeremonyRow): CeremonySummary {
  return {
    id: row.id,
    createdAt: row.created_at,
    identifier: row.identifier,
    groupThreshold: row.group_threshold,
    groups: JSON.parse(row.groups) as CeremonyRecord['groups'],
    iterationExponent: row.iteration_exponent,
    extendable: row.extendable === 1,
    passphraseUsed: row.passphrase_used === 1,
    vaultFingerprint: row.vault_fingerprint,
    masterKeyCheck: row.master_key_check,
    tagScheme: row.tag_scheme === 1 ? 1 : 2,
    tagSalt: row.tag_salt,
    importedFrom: row.imported_from,
    supersededAt: row.superseded_at,
  };
}

/** A superseded ceremony as it travels: when, and its epoch's tag key sealed under this keystore (or null when it does not travel). */
export interface Supersession {
  at: string;
  sealedTagKey: Uint8Array | null;
}

/** Call inside a write transaction. */
export function insertCeremony(db: Db, record: CeremonyRecord, superseded: Supersession | null = null): void {
  db.prepare(
    `INSERT INTO paper_ceremonies (id, created_at, identifier, group_threshold, groups, iteration_exponent, extendable, passphrase_used, vault_fingerprint, master_key_check,
       tag_scheme, tag_salt, imported_from, superseded_at, superseded_tag_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.id,
    record.createdAt,
    record.identifier,
    record.groupThreshold,
    JSON.stringify(record.groups),
    record.iterationExponent,
    record.extendable ? 1 : 0,
    record.passphraseUsed ? 1 : 0,
    record.vaultFingerprint,
    record.masterKeyCheck,
    record.tagScheme,
    record.tagSalt,
    record.importedFrom,
    superseded?.at ?? null,
    superseded?.sealedTagKey ?? null,
  );
  const share = db.prepare('INSERT INTO paper_shares (ceremony_id, group_index, member_index, custodian, tag) VALUES (?, ?, ?, ?, ?)');
  for (const s of record.shares) share.run(record.id, s.groupIndex, s.memberIndex, s.custodian, s.tag);
}

export function findShareByTag(db: Db, tag: Uint8Array): FoundShare | null {
  const row = db
    .prepare(
      `SELECT c.*, s.group_index, s.member_index, s.custodian FROM paper_shares s JOIN paper_ceremonies c ON c.id = s.ceremony_id WHERE s.tag = ?`,
    )
    .get(tag) as (CeremonyRow & { group_index: number; member_index: number; custodian: string | null }) | undefined;
  if (!row) return null;
  return { ceremony: toCeremony(row), groupIndex: row.group_index, memberIndex: row.member_index, custodian: row.custodian, supersededAt: row.superseded_at };
}

/**
 * A share of a current ceremony, if its tag verifies under this master key:
 * scheme 2 (the master key alone), else scheme 1 under each keystore id that
 * recorded a ceremony here (this one, or the source of an imported record).
 * The match must be of the scheme (and salt) that computed the tag.
 */
export function findCurrentShare(db: Db, mnemonic: string, masterKey: Uint8Array, tagKeyV2: Uint8Array): { match: FoundShare; tag: Uint8Array } | null {
  const tag = shareTag(tagKeyV2, mnemonic, 2);
  const direct = findShareByTag(db, tag);
  if (direct && direct.ceremony.tagScheme === 2 && direct.supersededAt === null) return { match: direct, tag };
  const salts = db.prepare('SELECT DISTINCT tag_salt FROM paper_ceremonies WHERE tag_scheme = 1 AND superseded_tag_key IS NULL').all() as Array<{ tag_salt: Uint8Array }>;
  for (const { tag_salt: salt } of salts) {
    const key = paperTagKey(masterKey, salt);
    const salted = shareTag(key, mnemonic, 1);
    wipe(key);
    const match = findShareByTag(db, salted);
    if (match && match.ceremony.tagScheme === 1 && match.supersededAt === null && Buffer.from(match.ceremony.tagSalt ?? []).equals(Buffer.from(salt))) return { match, tag: salted };
  }
  return null;
}

/**
 * A share of a ceremony that a master-key rotation superseded: its tag is
 * computed under that epoch's share-tag key (kept sealed, see
 * rotation/reseal.ts), which `openTagKey` opens. The match and that tag, or null.
 */
export function findSupersededShare(db: Db, mnemonic: string, openTagKey: (ceremonyId: string, sealed: Uint8Array) => Uint8Array | null): { match: FoundShare; tag: Uint8Array } | null {
  const rows = db.prepare('SELECT id, tag_scheme, superseded_tag_key FROM paper_ceremonies WHERE superseded_tag_key IS NOT NULL ORDER BY created_at').all() as Array<{
    id: string;
    tag_scheme: number;
    superseded_tag_key: Uint8Array;
  }>;
  for (const row of rows) {
    const tagKey = openTagKey(row.id, row.superseded_tag_key);
    if (!tagKey) continue;
    const tag = shareTag(tagKey, mnemonic, row.tag_scheme === 1 ? 1 : 2);
    wipe(tagKey);
    const match = findShareByTag(db, tag);
    if (match && match.ceremony.id === row.id) return { match, tag };
  }
  return null;
}

export function listCeremonies(db: Db): CeremonySummary[] {
  return (db.prepare('SELECT * FROM paper_ceremonies ORDER BY created_at, id').all() as CeremonyRow[]).map(toCeremony);
}

export function ceremonyShares(db: Db, ceremonyId: string): CeremonyShare[] {
  const rows = db.prepare('SELECT group_index, member_index, custodian, tag FROM paper_shares WHERE ceremony_id = ? ORDER BY group_index, member_index').all(ceremonyId) as Array<{
    group_index: number;
    member_index: number;
    custodian: string | null;
    tag: Uint8Array;
  }>;
  return rows.map((r) => ({ groupIndex: r.group_index, memberIndex: r.member_index, custodian: r.custodian, tag: r.tag }));
}

/** The sealed tag key of a superseded ceremony (under this keystore's wrapping key), or null. */
export function sealedSupersededTagKey(db: Db, ceremonyId: string): Uint8Array | null {
  const row = db.prepare('SELECT superseded_tag_key FROM paper_ceremonies WHERE id = ?').get(ceremonyId) as { superseded_tag_key: Uint8Array | null } | undefined;
  return row?.superseded_tag_key ?? null;
}

export function ceremonyExists(db: Db, ceremonyId: string): boolean {
  return db.prepare('SELECT 1 FROM paper_ceremonies WHERE id = ?').get(ceremonyId) !== undefined;
}

/** Every SLIP-0039 identifier this vault has recorded (made here or imported): a new split never reuses one. */
export function usedIdentifiers(db: Db): Set<number> {
  return new Set((db.prepare('SELECT identifier FROM paper_ceremonies').all() as Array<{ identifier: number }>).map((r) => r.identifier));
}
