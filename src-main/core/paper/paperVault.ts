import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import type { Keystore } from '../keystore/keystore.js';
import { findCurrentShare, findSupersededShare, insertCeremony, usedIdentifiers, type FoundShare } from '../keystore/paperStore.js';
import { openSupersededTagKey } from '../keystore/rotation/reseal.js';
import { paperTagKeyV2, recordWrapKey } from '../masterkey/subkeys.js';
import { sheetFingerprint, shareTag, splitMasterKey, type CeremonyRecord, type SplitRequest } from './ceremony.js';
import { qrSvg } from './sheet/qr.js';
import type { SheetData } from './sheet/template.js';
import { decodeMnemonic } from './slip39/index.js';
import { printableHead } from '../audit/report.js';

export interface VaultSplit {
  record: CeremonyRecord;
  sheets: SheetData[];
  subsetsChecked: number;
}

/**
 * Splits this vault's master key into SLIP-0039 shares, checks every quorum,
 * and returns the sheets to print. Nothing is written: once the sheets are
 * printed, `recordCeremony` keeps the ceremony (tags only) in the keystore.
 * The words are in `sheets`: print them, then drop them.
 */
export async function splitVault(keystore: Keystore, request: SplitRequest, onProgress?: (done: number) => void): Promise<VaultSplit> {
  const { vaultName, split } = keystore.internal('read', (ctx) => {
    const tagKey = paperTagKeyV2(ctx.masterKey);
    try {
      return { vaultName: ctx.vaultName, split: splitMasterKey(ctx.masterKey, tagKey, ctx.vaultFingerprint, { ...request, usedIdentifiers: usedIdentifiers(ctx.db) }, onProgress) };
    } finally {
      wipe(tagKey);
    }
  });
  const { record, mnemonics, subsetsChecked } = split;
  const flat = mnemonics.flat();
  // The head as the sheets are printed; the split's own entry follows it.
  const auditHead = printableHead(keystore);
  const sheets: SheetData[] = [];
  for (const [i, share] of record.shares.entries()) {
    const mnemonic = flat[i] ?? '';
    sheets.push({
      mnemonic,
      qrSvg: await qrSvg(mnemonic),
      vaultFingerprint: record.vaultFingerprint,
      vaultName,
      masterKeyCheck: record.masterKeyCheck,
      ceremonyId: record.id,
      createdAt: record.createdAt,
      custodian: share.custodian,
      groupIndex: share.groupIndex + 1,
      groupCount: record.groups.length,
      groupThreshold: record.groupThreshold,
      memberIndex: share.memberIndex + 1,
      memberCount: record.groups[share.groupIndex]?.count ?? 1,
      memberThreshold: record.groups[share.groupIndex]?.threshold ?? 1,
      sheetFingerprint: sheetFingerprint(share.tag),
      passphraseUsed: record.passphraseUsed,
      auditHead,
    });
  }
  return { record, sheets, subsetsChecked };
}

/** Keeps the ceremony and its share tags, and its audit entry (sheet fingerprints, never words), in one transaction. */
export function recordCeremony(keystore: Keystore, record: CeremonyRecord, auditHead: string | null = null): void {
  keystore.internal('write', (ctx) => {
    insertCeremony(ctx.db, record);
    const sheets = record.shares.map((s) => ({ group: s.groupIndex + 1, member: s.memberIndex + 1, custodian: s.custodian, sheet: sheetFingerprint(s.tag) }));
    const groups = record.groups.map((g) => ({ threshold: g.threshold, count: g.count }));
    ctx.audit.append({
      operation: 'paper-split',
      subject: { ceremonyId: record.id, identifier: record.identifier, groupThreshold: record.groupThreshold, groups, passphraseUsed: record.passphraseUsed, vaultFingerprint: record.vaultFingerprint, auditHeadPrinted: auditHead, sheets },
    });
  });
}

export interface ShareCheck {
  wellFormed: true;
  identifier: number;
  /**
   * The ceremony as its sheet prints it: the recorded id when this vault
   * knows the sheet (an older ceremony printed a random id), else the
   * SLIP-0039 identifier in decimal, which is what newer sheets print.
   */
  ceremonyId: string;
  groupIndex: number;
  groupCount: number;
  groupThreshold: number;
  memberIndex: number;
  memberThreshold: number;
  words: number;
  /** null when no keystore was available to ask. */
  genuine: boolean | null;
  sheetFingerprint: string | null;
  match: FoundShare | null;
}

/**
 * Checks one share on its own: well-formed (word list, checksum, padding);
 * and, given the vault's keystore, genuine: its keyed tag is one this vault
 * recorded when it printed the sheet. Throws a SHARE_* error when malformed.
 */
export function checkShare(mnemonic: string, keystore: Keystore | null): ShareCheck {
  const share = decodeMnemonic(mnemonic);
  wipe(share.value);
  const base = {
    wellFormed: true as const,
    identifier: share.identifier,
    ceremonyId: String(share.identifier),
    groupIndex: share.groupIndex + 1,
    groupCount: share.groupCount,
    groupThreshold: share.groupThreshold,
    memberIndex: share.memberIndex + 1,
    memberThreshold: share.memberThreshold,
    words: mnemonic.trim().split(/\s+/).length,
  };
  if (!keystore) return { ...base, genuine: null, sheetFingerprint: null, match: null };
  return keystore.internal('write', (ctx) => {
    const tagKey = paperTagKeyV2(ctx.masterKey);
    let found = findCurrentShare(ctx.db, mnemonic, ctx.masterKey, tagKey);
    wipe(tagKey);
    if (!found) {
      // Printed before a master-key rotation? Then it is genuine, but superseded.
      const wrap = recordWrapKey(ctx.masterKey, ctx.keystoreId);
      found = findSupersededShare(ctx.db, mnemonic, (id, sealed) => openSupersededTagKey(wrap, ctx.keystoreId, id, sealed));
      wipe(wrap);
    }
    const match = found?.match ?? null;
    const genuine = match !== null && match.ceremony.identifier === share.identifier;
    // Not genuine: the sheet fingerprint is shown as this vault would print it (scheme 2).
    const sheet = sheetFingerprint(found?.tag ?? unmatchedTag(ctx.masterKey, mnemonic));
    ctx.audit.append({
      operation: 'paper-check',
      subject: { sheet, genuine, identifier: share.identifier, group: base.groupIndex, member: base.memberIndex, ceremonyId: match?.ceremony.id ?? null, custodian: match?.custodian ?? null, supersededAt: match?.supersededAt ?? null },
    });
    return { ...base, ceremonyId: genuine && match ? match.ceremony.id : base.ceremonyId, genuine, sheetFingerprint: sheet, match };
  });
}

function unmatchedTag(masterKey: Uint8Array, mnemonic: string): Uint8Array {
  const key = paperTagKeyV2(masterKey);
  const tag = shareTag(key, mnemonic, 2);
  wipe(key);
  return tag;
}

/** The 32-byte Custos master key, or a clear error for any other SLIP-0039 secret. */
export function requireMasterKeySize(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) {
    throw new CustosError('MASTER_KEY_MALFORMED', `the recovered secret is ${secret.length} bytes; a Custos master key is 32 (use --print for other SLIP-0039 secrets)`);
  }
  return secret;
}
