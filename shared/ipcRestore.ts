/**
 * The restore wizard's part of the IPC contract (docs/app.md, "Restoring
 * from shares"). Main's worker keeps the session: the shares typed or
 * scanned, what the sheets print, the bundle chosen in main's own dialog.
 * Share words go renderer → main only (`restore:addShare`); no response here
 * has a field for words, a recovered key or any key material: shares come
 * back as their position (group, member) and the source they were read from.
 */
import { z } from 'zod';
import { KDF_LIMITS, MIN_PASSPHRASE_LENGTH, VAULT_NAME_PATTERN } from './ipcRules.js';

export const SHARE_HOW = ['typed', 'camera'] as const;
/** At most this many rows of the manifest comparison cross to the renderer (the totals count every key). */
export const RESTORE_ROWS_MAX = 500;

const text = (max: number) => z.string().max(max);
const count = z.int().min(0);
const vaultFp = z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);

const shareView = z.strictObject({
  /** Where it came from: "typed share 1", "camera share 2", "scan sheet-3.pdf". */
  source: text(300),
  group: z.int().min(1).max(16),
  member: z.int().min(1).max(16),
});

const groupView = z.strictObject({ group: z.int().min(1).max(16), have: count, need: count });

const progressView = z.strictObject({
  ceremony: z.int().min(0).nullable(),
  groupThreshold: z.int().min(1).nullable(),
  groupCount: z.int().min(1).nullable(),
  groups: z.array(groupView).max(16),
  groupsNeeded: count,
  complete: z.boolean(),
  /** "group 1: 2 of 3 shares, 1 more needed", one line a group, then the groups still missing. */
  lines: z.array(text(300)).max(20),
});

/** What the sheets print, as the operator typed it from the headers. */
export const sheetClaimsSchema = z.strictObject({
  vaultFingerprint: text(40),
  ceremony: text(40),
  keyCheck: text(40),
  /** "SEQ:HASH" when the sheets print an audit head; empty when they print none. */
  auditHead: text(120),
  /** The SLIP-0039 passphrase, when the sheets say the shares were made with one. Kept by main for this session; never sent back. */
  sharePassphrase: z.string().max(1024).optional(),
});

const bundleView = z.strictObject({
  file: text(4096),
  accessKeysFile: text(4096),
  pairFingerprint: text(100),
  createdAt: text(40),
  keys: count,
  versions: count,
  privateKeys: z.boolean(),
  sourceVault: vaultFp.nullable(),
});

const stateView = z.strictObject({
  shares: z.array(shareView).max(64),
  progress: progressView,
  /** The sheets' values matched the recovered key (restore:compare passed). */
  compared: z.boolean(),
  bundle: bundleView.nullable(),
  /** The vault this session created, once it exists. */
  restoredVault: text(260).nullable(),
  imported: z.boolean(),
});

const keyRow = z.strictObject({
  name: text(300),
  versions: count,
  state: text(20),
  /** Of the current version, as the bundle's manifest records it. */
  fingerprint: text(200),
  equal: z.boolean(),
  /** Why not equal: "missing", "version 2 fingerprint differs", ... */
  problem: text(300).nullable(),
});

const comparison = z.strictObject({
  keys: count,
  versions: count,
  equal: count,
  different: count,
  rows: z.array(keyRow).max(RESTORE_ROWS_MAX),
});

const sheetCheck = z.strictObject({ source: text(300), genuine: z.boolean(), sheetFingerprint: text(40), custodian: text(100).nullable() });
const headCheck = z.strictObject({ head: text(120).nullable(), found: z.boolean(), detail: text(2000) });

const importReport = z.strictObject({ comparison, sheets: z.array(sheetCheck).max(64), head: headCheck });

const drillCheck = z.strictObject({ name: text(100), ok: z.boolean(), detail: text(2000) });
export const drillReportSchema = z.strictObject({
  passed: z.boolean(),
  at: text(40),
  vaultFingerprint: vaultFp.nullable(),
  ceremony: text(40).nullable(),
  bundle: text(100).nullable(),
  checks: z.array(drillCheck).max(10),
  comparison: comparison.nullable(),
  sheets: z.array(sheetCheck).max(64),
  /** The scratch folder the drill used; it no longer exists when the report comes back. */
  scratchFolder: text(4096),
  scratchRemoved: z.boolean(),
  /** The vault whose audit log holds the report, or null when no vault was unlocked. */
  loggedIn: text(260).nullable(),
});

export const RESTORE_CONTRACT = {
  'restore:state': { request: z.strictObject({}), response: stateView },
  /** The SLIP-0039 word list (public), for completion as words are typed. */
  'restore:wordlist': { request: z.strictObject({}), response: z.strictObject({ words: z.array(text(8)).length(1024) }) },
  /** One share's words (typed, or read by the camera in the page): refused with its SHARE_* code, or kept. */
  'restore:addShare': { request: z.strictObject({ words: z.string().min(1).max(4000), how: z.enum(SHARE_HOW) }), response: stateView },
  /** A scan picked in main's own dialog: PNG, JPEG or the PDF sheet (rasterised by pdftoppm in main). */
  'restore:scanShare': { request: z.strictObject({}), response: stateView },
  'restore:removeShare': { request: z.strictObject({ index: z.int().min(0).max(63) }), response: stateView },
  /** Forgets every share, value and file of the session. */
  'restore:reset': { request: z.strictObject({}), response: stateView },
  /** Combines the shares and compares the key with what the sheets print; WRONG_MASTER_KEY or SHARES_MISMATCH name each value that differs. Writes nothing. */
  'restore:compare': { request: sheetClaimsSchema, response: z.strictObject({ vaultFingerprint: vaultFp, ceremony: text(40) }) },
  /** The bundle, then its access keys, in main's own dialogs; the header is read and the pair checked. */
  'restore:chooseBundle': { request: z.strictObject({}), response: bundleView },
  /** A new vault in the vault folder on the recovered key, with a new passphrase; the bundle is verified whole first. */
  'restore:create': {
    request: z.strictObject({
      name: z.string().regex(VAULT_NAME_PATTERN),
      passphrase: z.string().min(MIN_PASSPHRASE_LENGTH).max(1024),
      kdf: z.strictObject({ memoryMiB: z.int().min(KDF_LIMITS.minMemoryMiB).max(KDF_LIMITS.maxMemoryMiB), passes: z.int().min(KDF_LIMITS.minPasses).max(KDF_LIMITS.maxPasses) }).optional(),
    }),
    response: z.strictObject({ id: text(16), name: text(260), keystoreId: z.string().regex(/^[0-9a-f]{32}$/), vaultFingerprint: vaultFp }),
  },
  /** Imports the bundle into the vault restore:create made (progress; restore:cancel rolls it back), then checks it. */
  'restore:import': { request: z.strictObject({}), response: importReport },
  'restore:cancel': { request: z.strictObject({}), response: z.strictObject({ cancelling: z.boolean() }) },
  /** The whole path into a scratch vault that is deleted afterwards; the report goes into the open vault's audit log. */
  'restore:drill': { request: z.strictObject({}), response: drillReportSchema },
  /** The last drill report as a PDF, where main's save dialog says. */
  'restore:printDrill': { request: z.strictObject({}), response: z.strictObject({ file: text(4096) }) },
  /** Opens (or withdraws) the camera to the app's page while the restore screen reads a sheet. */
  'restore:camera': { request: z.strictObject({ open: z.boolean() }), response: z.strictObject({ open: z.boolean() }) },
} as const;

export type RestoreState = z.output<typeof stateView>;
export type RestoreImportReport = z.output<typeof importReport>;
export type DrillReport = z.output<typeof drillReportSchema>;
export type SheetClaims = z.output<typeof sheetClaimsSchema>;
export type RestoreBundle = z.output<typeof bundleView>;
export type RestoreComparison = z.output<typeof comparison>;
export type RestoreSheetCheck = z.output<typeof sheetCheck>;
export type RestoreHeadCheck = z.output<typeof headCheck>;
