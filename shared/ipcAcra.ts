/**
 * The Backups screen's Acra keystore section (docs/app.md, "Backups: Acra"):
 * `custos acra export` and `custos acra import` through main's dialogs. The
 * renderer names no path and never sees the Acra master key: a new one is
 * written by the worker straight into the folder main's dialog chose, an
 * existing one is read there from the file main's dialog chose. Answers carry
 * names, counts, paths main chose and fingerprints only.
 */
import { z } from 'zod';
import { KEY_ALGORITHMS, KEY_PURPOSES, KEY_STATES } from './keys.js';
import { ID_PATTERN } from './ipcRules.js';

/** Keys an answer lists by name; the rest are counted. */
export const ACRA_KEYS_LISTED = 200;

const text = (max: number) => z.string().max(max);
const entityId = z.string().regex(ID_PATTERN, 'an id is 5 to 256 letters, digits, - or _');
const count = z.int().min(0);

/** As the CLI's --client-id, --zone-id (repeatable) and --global. */
export const acraSelectionSchema = z
  .strictObject({ clientIds: z.array(entityId).max(64), zoneIds: z.array(entityId).max(64), global: z.boolean() })
  .refine((s) => s.clientIds.length + s.zoneIds.length > 0 || s.global, 'name a client id, a zone id or the global keys');

/** `new`: a fresh Acra master key saved in a folder main's dialog chooses; `file`: an existing one from a file main's dialog chooses. */
export const ACRA_MASTER_KEY_SOURCES = ['new', 'file'] as const;
export type AcraMasterKeySource = (typeof ACRA_MASTER_KEY_SOURCES)[number];

/** One key version written for Acra: its name, version and fingerprint (never its bytes). */
export const acraWrittenKeySchema = z.strictObject({ name: text(300), version: z.int().min(1), fingerprint: text(200) });
/** One key version brought into the vault from Acra's storage. */
export const acraImportedKeySchema = z.strictObject({ name: text(300), purpose: z.enum(KEY_PURPOSES), algorithm: z.enum(KEY_ALGORITHMS), version: z.int().min(1), state: z.enum(KEY_STATES), fingerprint: text(200) });
/** A key the selection named that could not go to Acra, and why. */
export const acraSkippedKeySchema = z.strictObject({ name: text(300), reason: text(300) });

const exportSchema = z.strictObject({
  out: text(4096),
  files: count,
  versions: count,
  /** The first ACRA_KEYS_LISTED versions written. */
  keys: z.array(acraWrittenKeySchema).max(ACRA_KEYS_LISTED),
  skipped: z.array(acraSkippedKeySchema).max(ACRA_KEYS_LISTED),
  /** Where the new Acra master key was saved (its path, never its bytes); null when an existing one was used. */
  acraMasterKeyFile: text(4096).nullable(),
});

const importSchema = z.strictObject({
  from: text(4096),
  versions: count,
  publicOnlyVersions: count,
  /** The first ACRA_KEYS_LISTED versions imported. */
  keys: z.array(acraImportedKeySchema).max(ACRA_KEYS_LISTED),
});

export const ACRA_CONTRACT = {
  /** Main's folder dialog for the keystore folder, then the master key's folder (new) or file (existing); the worker writes the keystore as `custos acra export` does. */
  'acra:export': { request: z.strictObject({ selection: acraSelectionSchema, masterKey: z.enum(ACRA_MASTER_KEY_SOURCES), replace: z.boolean() }), response: exportSchema },
  /** Main's folder dialog for the keystore folder, then its file dialog for the Acra master key; the worker imports as `custos acra import` does. */
  'acra:import': { request: z.strictObject({}), response: importSchema },
} as const;

export type AcraSelectionView = z.output<typeof acraSelectionSchema>;
export type AcraExportView = z.output<typeof exportSchema>;
export type AcraImportView = z.output<typeof importSchema>;
