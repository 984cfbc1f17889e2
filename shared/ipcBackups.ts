/**
 * The Backups screen's part of the IPC contract (docs/app.md, "Backups").
 * Every path main reads or writes comes from its own dialogs: the renderer
 * never names one. A dropped bundle's path is only a suggestion main's open
 * dialog starts at; the person confirms it there. Answers carry names,
 * counts and fingerprints, never key material or access keys.
 */
import { z } from 'zod';
import { KEY_PURPOSES } from './keys.js';
import { ID_PATTERN } from './ipcRules.js';

/** What a key that exists already gets: the import fails (nothing written), the vault's key stays, or the bundle's replaces it. */
export const CONFLICT_CHOICES = ['fail', 'skip', 'replace'] as const;
export type ConflictChoice = (typeof CONFLICT_CHOICES)[number];

const text = (max: number) => z.string().max(max);
const entityId = z.string().regex(ID_PATTERN, 'an id is 5 to 256 letters, digits, - or _');
const pair = z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
const count = z.int().min(0);

export const backupSelectionSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('all') }),
  z
    .strictObject({ scope: z.literal('filter'), clientId: entityId.optional(), zoneId: entityId.optional(), purpose: z.enum(KEY_PURPOSES).optional() })
    .refine((s) => s.clientId !== undefined || s.zoneId !== undefined || s.purpose !== undefined, 'name a client id, a zone id or a purpose (or export all keys)'),
]);

const summarySchema = z.strictObject({
  file: text(4096),
  bytes: count,
  formatVersion: z.int().min(1),
  pairFingerprint: pair,
  createdAt: text(40),
  privateKeys: z.boolean(),
  keys: count,
  versions: count,
  /** The source vault's fingerprint (format v2); null for a v1 bundle. */
  sourceVault: pair.nullable(),
  /** The bundle came from this very vault (same master key). */
  sameVault: z.boolean(),
});

const previewSchema = z.strictObject({
  summary: summarySchema,
  accessKeysFile: text(4096),
  vaultName: text(260).nullable(),
  ceremonies: count,
  auditHistory: z.boolean(),
  byPurpose: z.array(z.strictObject({ purpose: z.enum(KEY_PURPOSES), keys: count })).max(KEY_PURPOSES.length),
  /** Keys of the bundle whose names this vault holds already: how many, and the first 20 by name. */
  conflicts: z.strictObject({ count, names: z.array(text(300)).max(20) }),
});

const exportSchema = z.strictObject({
  bundle: text(4096),
  accessKeys: text(4096),
  pairFingerprint: pair,
  privateKeys: z.boolean(),
  keys: count,
  versions: count,
  vault: pair,
});

const importSchema = z.strictObject({
  pairFingerprint: pair,
  keys: count,
  versions: count,
  skipped: count,
  replaced: count,
  publicOnlyVersions: count,
  sourceVault: pair.nullable(),
  ceremonies: count,
  auditHistory: z.boolean(),
  /** Another process was using the vault: the replaced keys' old sealed bytes are still on disk (core Keystore.checkpoint). */
  oldBytesRemain: z.literal(true).optional(),
});

export const BACKUPS_CONTRACT = {
  /** Asks main for two folders (bundle, then access keys: two devices) and exports, with progress; Cancel stops it leaving no file. */
  'backups:export': { request: z.strictObject({ selection: backupSelectionSchema, privateKeys: z.boolean() }), response: exportSchema },
  /** Stops the export, verification or import under way at its next batch. */
  'backups:cancel': { request: z.strictObject({}), response: z.strictObject({ cancelled: z.boolean() }) },
  /** Main's open dialog (starting at `dropped`, the path of a file dropped on the window, if any), then the bundle's clear-text header. */
  'backups:openBundle': { request: z.strictObject({ dropped: text(4096).optional() }), response: summarySchema },
  /** Main's open dialog for the access keys of the chosen bundle, then a full verification pass that writes nothing. */
  'backups:openAccessKeys': { request: z.strictObject({}), response: previewSchema },
  /** Imports the verified bundle with the chosen answer to conflicts, in one transaction; Cancel rolls it back. */
  'backups:import': { request: z.strictObject({ onConflict: z.enum(CONFLICT_CHOICES) }), response: importSchema },
} as const;

export type BackupSelection = z.output<typeof backupSelectionSchema>;
export type BundleSummaryView = z.output<typeof summarySchema>;
export type BackupPreviewView = z.output<typeof previewSchema>;
export type BackupExportView = z.output<typeof exportSchema>;
export type BackupImportView = z.output<typeof importSchema>;
