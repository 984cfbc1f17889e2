import { wipe } from '../crypto/bytes.js';
import { shareTag, type CeremonyRecord } from '../paper/ceremony.js';
import type { Db } from './sqlite.js';

export interface FoundShare {
  ceremony: Omit<CeremonyRecord, 'shares'>;
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
}

function toCeremony(row: CeremonyRow): Omit<CeremonyRecord, 'shares'> {
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
  };
}

/** Call inside a write transaction. */
export function insertCeremony(db: Db, record: CeremonyRecord): void {
  db.prepare(
    `INSERT INTO paper_ceremonies (id, created_at, identifier, group_threshold, groups, iteration_exponent, extendable, passphrase_used, vault_fingerprint, master_key_check)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
 * A share of a ceremony that a master-key rotation superseded: its tag is
 * computed under that epoch's share-tag key (kept sealed, see
 * rotation/reseal.ts), which `openTagKey` opens. The match and that tag, or null.
 */
export function findSupersededShare(db: Db, mnemonic: string, openTagKey: (ceremonyId: string, sealed: Uint8Array) => Uint8Array | null): { match: FoundShare; tag: Uint8Array } | null {
  const rows = db.prepare('SELECT id, superseded_tag_key FROM paper_ceremonies WHERE superseded_tag_key IS NOT NULL ORDER BY created_at').all() as Array<{ id: string; superseded_tag_key: Uint8Array }>;
  for (const row of rows) {
    const tagKey = openTagKey(row.id, row.superseded_tag_key);
    if (!tagKey) continue;
    const tag = shareTag(tagKey, mnemonic);
    wipe(tagKey);
    const match = findShareByTag(db, tag);
    if (match && match.ceremony.id === row.id) return { match, tag };
  }
  return null;
}

export function listCeremonies(db: Db): Array<Omit<CeremonyRecord, 'shares'>> {
  return (db.prepare('SELECT * FROM paper_ceremonies ORDER BY created_at').all() as CeremonyRow[]).map(toCeremony);
}
