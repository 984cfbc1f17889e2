/**
 * The ceremony wizard's part of the IPC contract (docs/app.md, "The ceremony
 * wizard"). Main owns the session; the renderer draws what these schemas
 * carry. No response here has a field for share words, a share passphrase or
 * key material: the words go renderer → main only, in `ceremony:verifySheet`,
 * and the share passphrase only in the `ceremony:quorum` request.
 */
import { z } from 'zod';
import { ABANDON_CONFIRMATION, ID_PATTERN, MIN_OVERRIDE_REASON } from './ipcRules.js';

export const CEREMONY_STEPS = ['air-gap', 'roles', 'keys', 'quorum', 'print', 'verify', 'backup', 'transcript', 'done'] as const;
export type CeremonyStep = (typeof CEREMONY_STEPS)[number];
export const PAPER_SIZE_NAMES = ['a4', 'letter'] as const;
export const VERIFY_HOW = ['camera', 'scan', 'typed'] as const;
/** What the typed confirmation of `ceremony:abandon` must say, and the shortest air-gap override reason (kept in ipcRules so the renderer bundles no zod). */
export { ABANDON_CONFIRMATION, MIN_OVERRIDE_REASON };

const text = (max: number) => z.string().max(max);
const when = text(40);
/** A person's name as typed: no control characters, 1 to 100 characters. */
export const personName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'a name has no control characters');
const entityId = z.string().regex(ID_PATTERN, 'an id is 5 to 256 letters, digits, - or _');
const groupSpec = z.strictObject({ threshold: z.int().min(1).max(16), count: z.int().min(1).max(16) });
const sheetIndex = z.int().min(1).max(256);
const fingerprint = text(200);

const interfaceSchema = z.strictObject({ name: text(64), address: text(64), family: z.enum(['IPv4', 'IPv6']) });

export const ceremonySheetSchema = z.strictObject({
  /** 1-based, in split order (group by group). */
  index: sheetIndex,
  group: z.int().min(1).max(16),
  member: z.int().min(1).max(16),
  custodian: text(100).nullable(),
  /** Printed in the sheet's header: the first 8 bytes of the share's keyed tag, never the words. */
  sheetFingerprint: fingerprint,
  printed: z.boolean(),
  verified: z.boolean(),
  verifiedBy: text(100).nullable(),
  verifiedAt: when.nullable(),
  verifiedHow: z.enum(VERIFY_HOW).nullable(),
});

export const ceremonyStateSchema = z.strictObject({
  /** The wizard session (not the SLIP-0039 identifier): random hex. */
  sessionId: z.string().regex(/^[0-9a-f]{16,64}$/),
  /** True while the session is a draft in main (started on the Welcome screen): its vault is created or unlocked at step 3, which adopts it. */
  beforeVault: z.boolean(),
  step: z.enum(CEREMONY_STEPS),
  startedAt: when,
  vaultFingerprint: fingerprint,
  airGap: z.strictObject({
    airGapped: z.boolean(),
    interfaces: z.array(interfaceSchema).max(64),
    checkedAt: when,
    /** The typed reason when the operator went on with a network up (also in the audit log). */
    overrideReason: text(500).nullable(),
  }).nullable(),
  roles: z.strictObject({ operator: text(100), witnesses: z.array(text(100)).max(16), custodians: z.array(text(100)).max(256) }).nullable(),
  keys: z.strictObject({ clientIds: z.array(text(256)).max(64), zoneIds: z.array(text(256)).max(64), created: z.int().min(0), existing: z.int().min(0) }).nullable(),
  quorum: z.strictObject({ groupThreshold: z.int().min(1).max(16), groups: z.array(groupSpec).min(1).max(16), passphraseUsed: z.boolean() }).nullable(),
  /** Paper ceremonies of this vault still current (their sheets restore this master key): the rotation warning shows when > 0. */
  earlierCeremonies: z.int().min(0),
  /** True when the worker restarted after the split and before printing: the words are gone, so the quorum step runs the split again. */
  resplitNeeded: z.boolean(),
  /** The SLIP-0039 identifier in decimal, once split. */
  ceremonyId: text(40).nullable(),
  /** The audit head the sheets print, once split. */
  auditHead: text(200).nullable(),
  sheets: z.array(ceremonySheetSchema).max(256),
  /** True once every sheet is verified and the ceremony is recorded in the vault. */
  recorded: z.boolean(),
  backup: z.strictObject({ bundleFile: text(4096), accessKeysFile: text(4096), at: when }).nullable(),
  transcriptFile: text(4096).nullable(),
  log: z.array(z.strictObject({ step: z.enum(CEREMONY_STEPS), by: text(100).nullable(), at: when, note: text(500).nullable() })).max(1024),
});

const stateOnly = z.strictObject({ state: ceremonyStateSchema });
/** Who did a step: one of the named roles; the operator when omitted. */
const by = personName.optional();

/** CUPS's PreserveJobFiles as read on Linux before printing; null off Linux. */
const spoolSchema = z.strictObject({
  setting: z.enum(['no', 'yes', 'seconds', 'unknown']),
  seconds: z.int().min(0).nullable(),
  file: text(4096),
  /** What it means for sheets of share words, in plain English; null when CUPS keeps no copy. */
  warning: text(1000).nullable(),
});

export const CEREMONY_CONTRACT = {
  'ceremony:state': { request: z.strictObject({}), response: z.strictObject({ state: ceremonyStateSchema.nullable() }) },
  /**
   * Starts a session on the unlocked vault (refused while one is open) and runs the air-gap check. With no
   * vault unlocked it starts a draft in main (air gap and roles need no vault); once a vault is created or
   * unlocked, begin moves the draft into it.
   */
  'ceremony:begin': { request: z.strictObject({}), response: stateOnly },
  /** `override` absent: check again. Given: go on with a network up; the reason goes to the audit log. */
  'ceremony:airGap': {
    request: z.strictObject({ override: z.strictObject({ reason: z.string().trim().min(MIN_OVERRIDE_REASON).max(500) }).optional(), by }),
    response: stateOnly,
  },
  'ceremony:roles': {
    request: z.strictObject({ operator: personName, witnesses: z.array(personName).max(16), custodians: z.array(personName).min(1).max(256) }),
    response: stateOnly,
  },
  /** Generates the catalogue (every purpose) for these ids with event:progress; keys that exist already are kept. */
  'ceremony:keys': {
    request: z.strictObject({ clientIds: z.array(entityId).max(64), zoneIds: z.array(entityId).max(64), by }),
    response: z.strictObject({ state: ceremonyStateSchema, created: z.array(text(300)).max(4096) }),
  },
  /**
   * Splits the master key (every quorum checked, event:progress). `custodians`:
   * one name per sheet in split order, each one of the roles' custodians.
   * `passphrase`: the optional SLIP-0039 share passphrase; never returned.
   */
  'ceremony:quorum': {
    request: z.strictObject({
      groupThreshold: z.int().min(1).max(16),
      groups: z.array(groupSpec).min(1).max(16),
      custodians: z.array(personName).min(1).max(256),
      passphrase: z.string().max(1024).optional(),
      by,
    }),
    response: stateOnly,
  },
  /** The sheet layout without the words or QR code, and what CUPS does with printed jobs. */
  'ceremony:preview': {
    request: z.strictObject({ paperSize: z.enum(PAPER_SIZE_NAMES) }),
    response: z.strictObject({
      paperSize: z.enum(PAPER_SIZE_NAMES),
      vaultName: text(300),
      vaultFingerprint: fingerprint,
      ceremonyId: text(40),
      createdAt: when,
      auditHead: text(200).nullable(),
      passphraseUsed: z.boolean(),
      groupThreshold: z.int().min(1).max(16),
      wordsPerSheet: z.int().min(20).max(33),
      sheets: z.array(z.strictObject({
        index: sheetIndex,
        group: z.int().min(1),
        groupCount: z.int().min(1),
        member: z.int().min(1),
        memberCount: z.int().min(1),
        memberThreshold: z.int().min(1),
        custodian: text(100).nullable(),
        sheetFingerprint: fingerprint,
      })).max(256),
      spool: spoolSchema.nullable(),
    }),
  },
  /**
   * Prints every sheet. 'pdf-folder': into a folder chosen in main's dialog
   * (refused on the vault's own disk unless `allowSameDisk`); 'printer':
   * through the system print dialog, one job per sheet.
   */
  'ceremony:print': {
    request: z.discriminatedUnion('destination', [
      z.strictObject({ destination: z.literal('pdf-folder'), paperSize: z.enum(PAPER_SIZE_NAMES), allowSameDisk: z.boolean().optional(), by }),
      z.strictObject({ destination: z.literal('printer'), paperSize: z.enum(PAPER_SIZE_NAMES), by }),
    ]),
    response: z.strictObject({ state: ceremonyStateSchema, folder: text(4096).nullable(), files: z.array(text(4096)).max(256) }),
  },
  /** Opens or closes the camera step: the media permission (video only) is granted only while open. */
  'ceremony:camera': { request: z.strictObject({ open: z.boolean() }), response: z.strictObject({ open: z.boolean() }) },
  /**
   * Checks the words a person typed or the camera read against sheet `index`.
   * `actualIndex`: which sheet of this ceremony they are when not that one
   * (null when none). The words are never sent back.
   */
  'ceremony:verifySheet': {
    request: z.strictObject({ index: sheetIndex, words: z.string().min(1).max(4000), how: z.enum(VERIFY_HOW), by }),
    response: z.strictObject({ match: z.boolean(), actualIndex: sheetIndex.nullable(), state: ceremonyStateSchema }),
  },
  /** Bundle and access keys into two folders chosen in main's dialogs: never the same folder or the same device. */
  'ceremony:backup': { request: z.strictObject({ by }), response: stateOnly },
  /** Saves the transcript PDF where main's save dialog says. */
  'ceremony:transcript': { request: z.strictObject({ by }), response: z.strictObject({ state: ceremonyStateSchema, file: text(4096) }) },
  /** Closes a recorded ceremony's session (after backup and transcript). */
  'ceremony:finish': { request: z.strictObject({ by }), response: z.strictObject({ finished: z.literal(true), ceremonyId: text(40) }) },
  /** `confirmation` must be 'abandon'. Leaves no ceremony record; refused once the ceremony is recorded. */
  'ceremony:abandon': { request: z.strictObject({ confirmation: text(40) }), response: z.strictObject({ abandoned: z.literal(true) }) },
} as const;

export type CeremonyState = z.output<typeof ceremonyStateSchema>;
export type CeremonySheet = z.output<typeof ceremonySheetSchema>;
