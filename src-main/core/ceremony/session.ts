/**
 * The app's ceremony wizard session: what the keystore keeps between steps so
 * a ceremony interrupted by a restart resumes where it stood. It holds the
 * keyed share tags once the master key is split, never the share words.
 */
import type { CeremonyState, CeremonyStep } from '../../../shared/ipcCeremony.js';
import type { CeremonyRecord } from '../paper/ceremony.js';

export interface SessionSheet {
  index: number;
  group: number;
  member: number;
  custodian: string | null;
  /** HMAC tag of the share (ceremony.ts shareTag, scheme 2), hex: what verification compares. */
  tag: string;
  sheetFingerprint: string;
  printed: boolean;
  verified: boolean;
  verifiedBy: string | null;
  verifiedAt: string | null;
  verifiedHow: 'camera' | 'scan' | 'typed' | null;
}

/** The ceremony record without its shares (they are the sheets' tags), as JSON can hold it. */
export type StoredRecord = Omit<CeremonyRecord, 'shares' | 'tagSalt'>;

export interface CeremonySession {
  sessionId: string;
  step: CeremonyStep;
  startedAt: string;
  vaultFingerprint: string;
  airGap: CeremonyState['airGap'];
  roles: CeremonyState['roles'];
  keys: CeremonyState['keys'];
  quorum: (NonNullable<CeremonyState['quorum']> & { custodians: string[] }) | null;
  record: StoredRecord | null;
  auditHead: string | null;
  sheets: SessionSheet[];
  recorded: boolean;
  backup: CeremonyState['backup'];
  transcriptFile: string | null;
  log: CeremonyState['log'];
}

/** What the renderer sees: the session without its tags, plus facts read from the vault. */
export function sessionView(s: CeremonySession, facts: { earlierCeremonies: number; wordsHeld: boolean; beforeVault?: boolean }): CeremonyState {
  const resplitNeeded = s.record !== null && !facts.wordsHeld && !s.sheets.some((sheet) => sheet.printed);
  return {
    sessionId: s.sessionId,
    beforeVault: facts.beforeVault ?? false,
    // Words gone before printing: the split is made again at the quorum step.
    step: resplitNeeded && s.step === 'print' ? 'quorum' : s.step,
    startedAt: s.startedAt,
    vaultFingerprint: s.vaultFingerprint,
    airGap: s.airGap,
    roles: s.roles,
    keys: s.keys,
    quorum: s.quorum ? { groupThreshold: s.quorum.groupThreshold, groups: s.quorum.groups, passphraseUsed: s.quorum.passphraseUsed } : null,
    earlierCeremonies: facts.earlierCeremonies,
    resplitNeeded,
    ceremonyId: s.record?.id ?? null,
    auditHead: s.auditHead,
    sheets: s.sheets.map(({ tag, ...sheet }) => (void tag, sheet)),
    recorded: s.recorded,
    backup: s.backup,
    transcriptFile: s.transcriptFile,
    log: s.log,
  };
}

/** The CeremonyRecord that recordCeremony keeps: the stored parts and each sheet's tag. */
export function fullRecord(s: CeremonySession): CeremonyRecord {
  if (!s.record) throw new Error('no split in this session');
  return {
    ...s.record,
    tagSalt: null,
    shares: s.sheets.map((sheet) => ({ groupIndex: sheet.group - 1, memberIndex: sheet.member - 1, custodian: sheet.custodian, tag: Buffer.from(sheet.tag, 'hex') })),
  };
}
