import { CustosError } from '../../../shared/errors.js';
import { MAX_VAULT_NAME } from '../keystore/vaultIdentity.js';
import type { CeremonyRecord, CeremonyShare } from '../paper/ceremony.js';
import { Cursor, type Staging } from './codec.js';
import { SEALED_TAG_KEY_BYTES } from './tagKeyTransport.js';
import { isPrintable } from '../text/printable.js';

/**
 * The records a v2 bundle carries after its keys (docs/formats/bundle.md):
 * the vault's identity, its paper ceremonies, and its audit history. Ceremony
 * records hold share tags, never words; a superseded ceremony's tag key only
 * in a bundle with private keys (it is as secret as they are).
 */
export const RECORD_VAULT = 0x02;
export const RECORD_CEREMONY = 0x03;
export const RECORD_AUDIT_HISTORY = 0x04;
/** The audit history is cut into parts of at most this many bytes, so no record nears the reader's bound. */
export const AUDIT_PART_BYTES = 1024 * 1024;

export interface VaultIdentityRecord {
  vaultFingerprint: string;
  vaultName: string | null;
}

/** One ceremony as it travels. `importedFrom` is not carried: the importing keystore names the bundle. */
export interface PortableCeremony {
  record: Omit<CeremonyRecord, 'importedFrom'>;
  supersededAt: string | null;
  /**
   * The superseded epoch's share-tag key, sealed under the exporting master key
   * (bundle/tagKeyTransport.ts); null unless private keys travel.
   */
  supersededTagKey: Uint8Array | null;
}

const FLAG_EXTENDABLE = 0x1;
const FLAG_PASSPHRASE = 0x2;
const FINGERPRINT = /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/;
const malformed = (why: string) => new CustosError('BUNDLE_MALFORMED', `a vault record inside the bundle is malformed: ${why}`);
/** Text that `info`, `import` and `paper check` print: a bundle must not carry terminal control sequences into them. */
const printable = isPrintable;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** Custodian names, vault fingerprints and key checks as a ceremony records them (generous: the CLI does not bound names). */
const MAX_TEXT = 1000;

function begin(out: Staging, type: number): number {
  const start = out.length;
  out.u32(0);
  out.u8(type);
  return start;
}

function end(out: Staging, start: number): void {
  out.buf.writeUInt32BE(out.length - start - 4, start);
}

export function encodeVaultIdentity(out: Staging, v: VaultIdentityRecord): void {
  const start = begin(out, RECORD_VAULT);
  out.str(v.vaultFingerprint);
  out.optStr(v.vaultName);
  end(out, start);
}

export function encodeCeremony(out: Staging, c: PortableCeremony): void {
  const r = c.record;
  const start = begin(out, RECORD_CEREMONY);
  out.str(r.id);
  out.str(r.createdAt);
  out.u16(r.identifier);
  out.u8(r.groupThreshold);
  out.u8(r.groups.length);
  for (const g of r.groups) {
    out.u8(g.threshold);
    out.u8(g.count);
  }
  out.u8(r.iterationExponent);
  out.u8((r.extendable ? FLAG_EXTENDABLE : 0) | (r.passphraseUsed ? FLAG_PASSPHRASE : 0));
  out.str(r.vaultFingerprint);
  out.str(r.masterKeyCheck);
  out.u8(r.tagScheme);
  out.bytes8(r.tagSalt);
  out.u8(c.supersededAt === null ? 0 : 1);
  if (c.supersededAt !== null) out.str(c.supersededAt);
  out.bytes8(c.supersededTagKey);
  out.u16(r.shares.length);
  for (const s of r.shares) {
    out.u8(s.groupIndex);
    out.u8(s.memberIndex);
    out.optStr(s.custodian);
    out.bytes8(s.tag);
  }
  end(out, start);
}

/** One part of the audit history's UTF-8 JSON (the parts, in order, make the whole). */
export function encodeAuditPart(out: Staging, part: Uint8Array): void {
  const start = begin(out, RECORD_AUDIT_HISTORY);
  out.bytes(part);
  end(out, start);
}

export function decodeVaultIdentity(c: Cursor): VaultIdentityRecord {
  const vaultFingerprint = c.str();
  if (!FINGERPRINT.test(vaultFingerprint)) throw malformed('its vault fingerprint is not 4 groups of 4 hex digits');
  const vaultName = c.optStr();
  c.done();
  // What validVaultName would let the keystore store: it is adopted as this vault's name.
  if (vaultName !== null && (vaultName.trim() !== vaultName || vaultName.length === 0 || !printable(vaultName, MAX_VAULT_NAME))) {
    throw malformed(`its vault name is not 1 to ${MAX_VAULT_NAME} printable characters`);
  }
  return { vaultFingerprint, vaultName };
}

function checkCeremony(r: PortableCeremony['record'], c: PortableCeremony): void {
  if (!r.id || r.id.length > 64) throw malformed('a ceremony has no id');
  if (!printable(r.id, 64)) throw malformed('a ceremony id has control characters');
  if (r.identifier > 0x7fff) throw malformed(`ceremony ${r.id} has an identifier above 32767`);
  if (r.iterationExponent > 15 || r.groups.length > 16) throw malformed(`ceremony ${r.id} has parameters SLIP-0039 cannot hold`);
  if (!TIME.test(r.createdAt) || (c.supersededAt !== null && !TIME.test(c.supersededAt))) throw malformed(`ceremony ${r.id} has a date that is not an ISO-8601 UTC time`);
  if (!printable(r.vaultFingerprint, MAX_TEXT) || !printable(r.masterKeyCheck, MAX_TEXT) || r.shares.some((s) => s.custodian !== null && !printable(s.custodian, MAX_TEXT))) {
    throw malformed(`ceremony ${r.id} has a fingerprint, key check or custodian name with control characters`);
  }
  if (r.groups.length === 0 || r.groupThreshold < 1 || r.groupThreshold > r.groups.length) throw malformed(`ceremony ${r.id} has impossible thresholds`);
  if (r.groups.some((g) => g.threshold < 1 || g.threshold > g.count || g.count > 16)) throw malformed(`ceremony ${r.id} has an impossible group`);
  if ((r.tagScheme === 1) !== (r.tagSalt?.length === 16) || (r.tagScheme !== 1 && r.tagScheme !== 2)) throw malformed(`ceremony ${r.id} has a wrong tag scheme or salt`);
  if (c.supersededTagKey && (c.supersededTagKey.length !== SEALED_TAG_KEY_BYTES || c.supersededAt === null)) throw malformed(`ceremony ${r.id} carries a tag key it must not`);
  const expected = r.groups.reduce((n, g) => n + g.count, 0);
  if (r.shares.length !== expected || r.shares.some((s) => s.tag.length !== 32 || s.groupIndex >= r.groups.length || s.memberIndex >= (r.groups[s.groupIndex]?.count ?? 0))) {
    throw malformed(`ceremony ${r.id} has shares that do not match its groups`);
  }
  const positions = new Set(r.shares.map((s) => `${s.groupIndex}#${s.memberIndex}`));
  if (positions.size !== r.shares.length) throw malformed(`ceremony ${r.id} names one share twice`);
}

/**
 * The ceremonies of one bundle are distinct: one id once, one tag once (a
 * writer reads them from a table where both are unique). Checked as each
 * arrives, against those before it; `seenTags` holds hex tags.
 */
export function checkDistinct(earlier: readonly PortableCeremony[], next: PortableCeremony, seenTags: Set<string>): void {
  if (earlier.some((c) => c.record.id === next.record.id)) throw malformed(`it holds ceremony ${next.record.id} twice`);
  for (const s of next.record.shares) {
    const tag = Buffer.from(s.tag).toString('hex');
    if (seenTags.has(tag)) throw malformed(`it holds one share tag twice (ceremony ${next.record.id})`);
    seenTags.add(tag);
  }
}

export function decodeCeremony(c: Cursor, privateKeys: boolean): PortableCeremony {
  const id = c.str();
  const createdAt = c.str();
  const identifier = c.u16();
  const groupThreshold = c.u8();
  const groups = Array.from({ length: c.u8() }, () => ({ threshold: c.u8(), count: c.u8() }));
  const iterationExponent = c.u8();
  const flags = c.u8();
  if ((flags & ~(FLAG_EXTENDABLE | FLAG_PASSPHRASE)) !== 0) throw malformed(`ceremony ${id} has unknown flags`);
  const vaultFingerprint = c.str();
  const masterKeyCheck = c.str();
  const tagScheme = c.u8() as 1 | 2;
  const tagSalt = c.bytes8(true);
  const supersededAt = c.u8() === 0 ? null : c.str();
  const supersededTagKey = c.bytes8(true);
  if (supersededTagKey && !privateKeys) throw malformed(`ceremony ${id} carries a tag key in a bundle without private keys`);
  const shares: CeremonyShare[] = Array.from({ length: c.u16() }, () => ({ groupIndex: c.u8(), memberIndex: c.u8(), custodian: c.optStr(), tag: c.bytes8(true) ?? new Uint8Array(0) }));
  c.done();
  const record = { id, createdAt, identifier, groupThreshold, groups, iterationExponent, extendable: (flags & FLAG_EXTENDABLE) !== 0, passphraseUsed: (flags & FLAG_PASSPHRASE) !== 0, vaultFingerprint, masterKeyCheck, tagScheme, tagSalt, shares };
  const ceremony = { record, supersededAt, supersededTagKey };
  checkCeremony(record, ceremony);
  return ceremony;
}

/** What a v2 bundle carries besides its keys, as the reader collects it. */
export interface VaultExtras {
  vault: VaultIdentityRecord | null;
  ceremonies: PortableCeremony[];
  /** The audit history's UTF-8 JSON, or null when the bundle carries none. */
  auditHistory: string | null;
}

/** Cursor with the vault-record error message. */
export function vaultCursor(buf: Buffer, start: number, finish: number): Cursor {
  return new Cursor(buf, start, finish, malformed);
}
