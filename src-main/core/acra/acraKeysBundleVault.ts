/**
 * `custos acra bundle export|import`: acra-keys (keystore v1) bundles to and
 * from the vault. Export writes what `acra-keys import --key_bundle_file F
 * --key_bundle_secret S` reads; import takes what `acra-keys export` wrote.
 */
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { keyEntry, type KeyRef } from '../audit/subjects.js';
import { wipe } from '../crypto/bytes.js';
import { OutputFile, publishAll, refuseExisting } from '../files/outputFile.js';
import type { Keystore } from '../keystore/keystore.js';
import { openAcraKeysBundle, sealAcraKeysBundle } from './acraKeysBundle.js';
import { acraEntriesOf, type AcraSelection, type SkippedKey } from './exportKeys.js';
import { importAcraEntries, type AcraImportReport } from './importKeys.js';
import { contentProblem, refOf, type AcraKeyEntry } from './keystoreV1.js';

const FORCE_HINT = ' (pass --force to replace it)';

export interface BundleExportReport {
  bundle: string;
  secret: string;
  entries: number;
  keys: KeyRef[];
  skipped: SkippedKey[];
}

/**
 * Seals the selected keys (private, symmetric and public files, every usable
 * version) into a bundle and writes it and its secret, both 0600, both or
 * neither. Existing files are refused unless `force`.
 */
export function exportAcraKeysBundle(keystore: Keystore, options: { bundle: string; secret: string; selection: AcraSelection; force?: boolean }): BundleExportReport {
  if (resolve(options.bundle) === resolve(options.secret)) throw new CustosError('INVALID_ARGUMENT', 'the bundle and its secret must be two files (keep them apart)');
  const force = Boolean(options.force);
  // Checked before any key is opened, as acra-keys does.
  refuseExisting([options.bundle, options.secret], force, FORCE_HINT);
  const { entries, keys, skipped } = acraEntriesOf(keystore, options.selection);
  let sealed: { data: Uint8Array; secret: Uint8Array } | null = null;
  const outputs: OutputFile[] = [];
  try {
    if (entries.length === 0) throw new CustosError('KEY_NOT_FOUND', `no usable keys to export (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}); nothing was written`);
    sealed = sealAcraKeysBundle(entries.map((e) => ({ name: e.path, content: e.content })));
    const bundle = new OutputFile(options.bundle, force, FORCE_HINT);
    outputs.push(bundle);
    const secret = new OutputFile(options.secret, force, FORCE_HINT);
    outputs.push(secret);
    bundle.write(sealed.data);
    secret.write(sealed.secret);
    publishAll(outputs);
    try {
      const draft = keyEntry('export', keys, { format: 'acra-keys-bundle-v1', bundle: bundle.path, entries: entries.length });
      if (draft) keystore.record(draft);
    } catch (error) {
      // No audit entry, no export: take both files back.
      for (const output of outputs) output.unpublish();
      throw error;
    }
    return { bundle: bundle.path, secret: secret.path, entries: entries.length, keys, skipped };
  } finally {
    for (const output of outputs) output.discard();
    for (const entry of entries) wipe(entry.content);
    if (sealed) wipe(sealed.secret);
  }
}

/** The entries of a bundle, each checked: a name Acra gives a key, and a content of its kind. */
export function bundleEntries(data: Uint8Array, secret: Uint8Array): AcraKeyEntry[] {
  const entries = openAcraKeysBundle(data, secret).map((e) => ({ path: e.name, content: e.content }));
  try {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.path)) throw new CustosError('BUNDLE_MALFORMED', `the bundle holds ${entry.path} twice; nothing was imported`);
      seen.add(entry.path);
      const problem = contentProblem(refOf(entry.path), entry.content);
      if (problem) throw new CustosError('ACRA_KEY_UNREADABLE', `${entry.path} in the bundle ${problem}; nothing was imported`);
    }
    if (entries.length === 0) throw new CustosError('KEY_NOT_FOUND', 'the bundle holds no keys; nothing was imported');
    return entries;
  } catch (error) {
    for (const entry of entries) wipe(entry.content);
    throw error;
  }
}

/** Imports a bundle into the vault, all or nothing (as `custos acra import` does with a folder). */
export function importAcraKeysBundle(keystore: Keystore, data: Uint8Array, secret: Uint8Array, source: string): AcraImportReport & { entries: number } {
  const entries = bundleEntries(data, secret);
  try {
    return { ...importAcraEntries(keystore, entries, source), entries: entries.length };
  } finally {
    for (const entry of entries) wipe(entry.content);
  }
}
