import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../shared/errors.js';
import { closeJournal, openJournalOf } from '../bundle/exportJournal.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { keyEntry, type KeyRef } from '../audit/subjects.js';
import { publicFromSecret } from '../catalog/material.js';
import { validateId } from '../catalog/ids.js';
import type { Keystore } from '../keystore/keystore.js';
import type { VersionRow } from '../keystore/rows.js';
import { encodePrivateContainer, encodePublicContainer } from '../themis/ecKeys.js';
import { sealEntry, type AcraKeyEntry, type AcraKeyFile } from './keystoreV1.js';
import { stageKeystoreFolder } from './keystoreV1Folder.js';
import { acraPath, goTimestamp } from './names.js';

/** Which keys go to Acra: those of some client ids, of some zone ids, and/or the global ones. */
export interface AcraSelection {
  clientIds: readonly string[];
  zoneIds: readonly string[];
  global: boolean;
}

export interface SkippedKey {
  name: string;
  reason: string;
}

export interface AcraEntries {
  entries: AcraKeyEntry[];
  /** Every version written, for the report and the audit entry. */
  keys: KeyRef[];
  /** Keys left out, and why (their current version is disabled, destroyed, or held as a public part only). */
  skipped: SkippedKey[];
}

function selects(selection: AcraSelection, row: VersionRow): boolean {
  if (row.client_id !== null) return selection.clientIds.includes(row.client_id);
  if (row.zone_id !== null) return selection.zoneIds.includes(row.zone_id);
  return selection.global;
}

const x25519Refused = (name: string) =>
  new CustosError(
    'ACRA_KEY_UNSUPPORTED',
    `'${name}' is an X25519 key pair; Acra reads only Themis EC key pairs on P-256. Leave it out of the export, or replace it: 'custos keys destroy ${name}' then 'custos keys generate' for its purpose (P-256 is the default); nothing was written`,
  );

/** The entries of one key: the current version as the file, usable older versions under `<file>.old/`, oldest first. */
function keyEntries(keystore: Keystore, rows: VersionRow[], out: AcraEntries): void {
  const first = rows[0]!;
  const current = rows.find((r) => r.version === first.current_version);
  const why = !current ? 'it has no current version' : current.state !== 'active' ? `its current version v${current.version} is ${current.state}` : current.public_only === 1 ? 'only its public part is held here' : null;
  if (why) {
    out.skipped.push({ name: first.name, reason: why });
    return;
  }
  if (first.algorithm === 'x25519') throw x25519Refused(first.name);
  const id = first.client_id ?? first.zone_id;
  const usable = rows.filter((r) => r.version < current!.version && r.state === 'rotated' && r.public_only === 0 && r.sealed);
  let previous = '';
  const stamps = new Map<number, string>();
  for (const row of usable) {
    // Acra names a rotated file by the time it was replaced: when the next version was made.
    const next = rows.find((r) => r.version === row.version + 1) ?? current!;
    let stamp = goTimestamp(next.created_at);
    for (let bump = 1; stamp <= previous; bump++) stamp = goTimestamp(next.created_at, bump);
    stamps.set(row.version, stamp);
    previous = stamp;
  }
  for (const row of [...usable, current!]) {
    const rotatedAt = stamps.get(row.version) ?? null;
    const secret = keystore.openSecret(row);
    try {
      if (row.algorithm === 'sym256') {
        out.entries.push({ path: acraPath(row.purpose, id, { rotatedAt }), content: new Uint8Array(secret) });
      } else {
        if (!row.public_key || !equalBytes(publicFromSecret(row.algorithm, secret), row.public_key)) {
          throw new CustosError('KEY_RECORD_TAMPERED', `the stored public key of '${row.name}' v${row.version} does not match its private key; nothing was written`);
        }
        out.entries.push({ path: acraPath(row.purpose, id, { rotatedAt }), content: encodePrivateContainer(secret) });
        out.entries.push({ path: acraPath(row.purpose, id, { public: true, rotatedAt }), content: encodePublicContainer(row.public_key) });
      }
      out.keys.push({ name: row.name, version: row.version, fingerprint: row.fingerprint });
    } finally {
      wipe(secret);
    }
  }
}

/**
 * The key files Acra's keystore v1 holds for the selected keys, in the clear
 * (what acra-keys bundles carry). Every client and zone id asked for must
 * have keys (KEY_NOT_FOUND otherwise), and an X25519 pair refuses the whole
 * export (ACRA_KEY_UNSUPPORTED). The caller wipes the entries' contents.
 */
export function acraEntriesOf(keystore: Keystore, selection: AcraSelection): AcraEntries {
  for (const id of selection.clientIds) validateId('client id', id);
  for (const id of selection.zoneIds) validateId('zone id', id);
  if (selection.clientIds.length + selection.zoneIds.length === 0 && !selection.global) {
    throw new CustosError('INVALID_ARGUMENT', 'choose the keys: --client-id ID, --zone-id ID and/or --global');
  }
  const byKey = new Map<string, VersionRow[]>();
  for (const row of keystore.versionRows()) {
    if (!selects(selection, row)) continue;
    const list = byKey.get(row.name) ?? [];
    list.push(row);
    byKey.set(row.name, list);
  }
  const owners = new Set([...byKey.values()].map((rows) => rows[0]!.client_id ?? rows[0]!.zone_id ?? ''));
  const missing = [...selection.clientIds, ...selection.zoneIds].filter((id) => !owners.has(id));
  if (missing.length > 0) throw new CustosError('KEY_NOT_FOUND', `no keys for ${missing.join(', ')}; nothing was written`);
  if (selection.global && !owners.has('')) throw new CustosError('KEY_NOT_FOUND', 'there are no global keys (custos keys generate --global --all); nothing was written');
  const out: AcraEntries = { entries: [], keys: [], skipped: [] };
  try {
    for (const rows of [...byKey.values()].sort((a, b) => a[0]!.name.localeCompare(b[0]!.name))) keyEntries(keystore, rows.sort((a, b) => a.version - b.version), out);
  } catch (error) {
    for (const entry of out.entries) wipe(entry.content);
    throw error;
  }
  return out;
}

/** Seals entries as Acra stores them under its master key. */
export function acraFilesOf(masterKey: Uint8Array, entries: readonly AcraKeyEntry[]): AcraKeyFile[] {
  return entries.map((entry) => sealEntry(masterKey, entry));
}

export interface AcraExportReport {
  out: string;
  files: number;
  keys: KeyRef[];
  skipped: SkippedKey[];
}

/**
 * Writes the selected keys as an Acra keystore v1 folder sealed under the
 * Acra master key, and records the export in the audit log. Nothing is
 * written when a key cannot go (X25519, tampered), or the folder holds files
 * and `force` is not given. The folder stays under its name only once the
 * export is in the audit log: the bundle export's journal (exportJournal.ts)
 * lets the next run take it back (and put back a folder it replaced) after a
 * crash between the rename and the audit entry.
 */
export function exportAcraKeystore(keystore: Keystore, options: { out: string; selection: AcraSelection; acraMasterKey: Uint8Array; force?: boolean | undefined }): AcraExportReport {
  const { entries, keys, skipped } = acraEntriesOf(keystore, options.selection);
  try {
    if (entries.length === 0) throw new CustosError('KEY_NOT_FOUND', `no usable keys to export (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}); nothing was written`);
    const files = acraFilesOf(options.acraMasterKey, entries);
    const staged = stageKeystoreFolder(options.out, files, { force: Boolean(options.force) });
    try {
      const exportId = randomBytes(16).toString('hex');
      const draft = keyEntry('export', keys, { format: 'acra-keystore-v1', out: options.out, files: files.length, exportId });
      const journal = openJournalOf(keystore.path, exportId, [{ final: staged.target, temp: staged.temp, keep: staged.keep, dev: staged.dev, ino: staged.ino, dir: true }]);
      let settled = true;
      try {
        staged.publish();
        // The audit entry is the commit point: without it the folder goes, and what it replaced comes back.
        if (draft) keystore.record(draft);
      } catch (error) {
        try {
          staged.unpublish();
        } catch {
          settled = false; // the journal stays: the next run takes the folder back
        }
        throw error;
      } finally {
        if (settled) closeJournal(journal);
      }
    } finally {
      staged.discard();
    }
    return { out: options.out, files: files.length, keys, skipped };
  } finally {
    for (const entry of entries) wipe(entry.content);
  }
}
