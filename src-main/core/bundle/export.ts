import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { toHex, utf8Bytes, wipe } from '../crypto/bytes.js';
import type { PortableKey, PortableVersion } from '../keystore/importer.js';
import type { Keystore } from '../keystore/keystore.js';
import type { ExportRow, KeySelection, SelectionView } from '../keystore/selection.js';
import { accessKeysFingerprint, encodeAccessKeys } from './accessKeys.js';
import { sourceVaultField } from './header.js';
import { writeVaultRecords, type VaultRecordsWritten } from './vaultExport.js';
import { OutputFile, publishAll } from '../files/outputFile.js';
import { KeyRefCollector } from '../audit/subjects.js';
import { closeJournal, openJournal } from './exportJournal.js';

export const FORCE_HINT = ' (pass --force to replace it)';
import { useSecondThread } from '../parallel/secondThread.js';
import { PairProofs, type OrderedProblem } from '../check/pairProofs.js';
import { fingerprintMatches } from './validate.js';
import { accessKeysOf, BundleWriter, newExportSecrets, type ExportSecrets } from './writer.js';

export type Progress = (done: number, total: number) => void;
/** Versions between two progress reports and Cancel checks: the app must hear from an export at least every 500 ms, on a slow machine too. */
export const PROGRESS_EVERY = 64;
/** Asked between batches of keys; true stops the work with CANCELLED (the app's Cancel button). */
export type ShouldCancel = () => boolean;

export function throwIfCancelled(shouldCancel: ShouldCancel | undefined, what: string): void {
  if (shouldCancel?.()) throw new CustosError('CANCELLED', `the ${what} was cancelled; nothing was written`);
}

export interface ExportOptions {
  bundlePath: string;
  accessKeysPath: string;
  selection: KeySelection;
  /** Without it, X25519 keys travel as public keys and symmetric keys as metadata only. */
  privateKeys: boolean;
  force?: boolean | undefined;
  onProgress?: Progress | undefined;
  shouldCancel?: ShouldCancel | undefined;
  /** Fixed export secrets, for test vectors; normally fresh random ones. */
  secrets?: ExportSecrets | undefined;
  /** Plaintext bytes per chunk (default 64 KiB); tests use small chunks to get many. */
  chunkBytes?: number | undefined;
  /** Prove P-256 pairs in a second thread while this one goes on (default: when the machine has more than one core). Either way every pair is proven. */
  worker?: boolean | undefined;
}

export interface ExportReport {
  bundle: string;
  accessKeys: string;
  pairFingerprint: string;
  bundleId: string;
  createdAt: string;
  privateKeys: boolean;
  keys: number;
  versions: number;
  /** The source vault (fingerprint and name), and what its records carry besides the keys. */
  vault: string;
  vaultName: string | null;
  ceremonies: number;
  auditHistory: boolean;
}

function refuseClobbering(keystore: Keystore, bundle: string, accessKeys: string): void {
  if (bundle === accessKeys) throw new CustosError('INVALID_ARGUMENT', '--bundle and --access-keys must be different files');
  const keystoreFiles = ['', '-wal', '-shm', '-journal'].map((suffix) => keystore.path + suffix);
  if (keystoreFiles.includes(bundle) || keystoreFiles.includes(accessKeys)) throw new CustosError('INVALID_ARGUMENT', 'an export cannot be written over the keystore itself');
}

/**
 * Every exported version is authenticated first, public-only exports too: a
 * full record is opened (its associated data binds the public key), a
 * public-only one has its seal checked. Only then do its public key and
 * fingerprint go into a signed bundle. A public-only version never carries a
 * secret, whatever the bundle type. A P-256 pair with its secret goes to
 * `pairs` (its point recomputed and compared with the stored point and
 * fingerprint, maybe in a second thread); `writeKeys` collects the verdicts
 * before the bundle is signed.
 */
function versionOf(keystore: Keystore, row: ExportRow, privateKeys: boolean, pairs: PairProofs, order: number): PortableVersion {
  let opened: Uint8Array | null = null;
  if (row.public_only === 1 && row.state !== 'destroyed') keystore.verifyPublicOnly(row);
  else if (row.sealed) opened = keystore.openSecret(row);
  // One object per version, the secret filled in last: export builds 100,000 of them.
  const version: PortableVersion = { version: row.version, state: row.state, publicKey: row.public_key, secret: opened, fingerprint: row.fingerprint, createdAt: row.created_at, changedAt: row.changed_at };
  if (row.algorithm === 'p256' && opened !== null && opened.length === 32) {
    pairs.add({ order, name: row.name, version: row.version, algorithm: 'p256', publicKey: row.public_key, fingerprint: row.fingerprint }, opened);
  } else if (!fingerprintMatches(row.algorithm, version)) {
    wipe(opened);
    throw tamperedRecord(row.name, row.version);
  }
  if (!privateKeys) {
    wipe(opened);
    version.secret = null;
  }
  return version;
}

const tamperedRecord = (name: string, version: number) =>
  new CustosError('KEY_RECORD_TAMPERED', `'${name}' v${version} does not match its stored fingerprint; run 'custos check'. Nothing was exported`);

/** Throws for the first pair (in export order) whose point or fingerprint is not its secret's. */
function throwIfPairProblem(problems: readonly OrderedProblem[]): void {
  const first = problems.reduce<OrderedProblem | null>((a, b) => (a === null || b.order < a.order ? b : a), null);
  if (first) throw tamperedRecord(first.name, first.version);
}

function keyOf(row: ExportRow): PortableKey {
  return { name: row.name, clientId: row.client_id, zoneId: row.zone_id, purpose: row.purpose, algorithm: row.algorithm, currentVersion: row.current_version, createdAt: row.key_created_at, versions: [] };
}

/** Streams the selected rows into the writer, one key with all its versions at a time; secrets are wiped once encoded. */
function writeKeys(keystore: Keystore, view: SelectionView, writer: BundleWriter, options: ExportOptions, refs: KeyRefCollector): void {
  let current: PortableKey | null = null;
  let currentId = -1;
  let done = 0;
  // Pairs proven in a second thread while this one reads, opens and encodes (as `custos check` does).
  const pairs = new PairProofs(options.worker ?? useSecondThread(view.versions));
  try {
    for (const row of view.rows()) {
      if (row.key_id !== currentId) {
        if (current) writer.add(current);
        for (const v of current?.versions ?? []) wipe(v.secret);
        current = keyOf(row);
        currentId = row.key_id;
      }
      current?.versions.push(versionOf(keystore, row, options.privateKeys, pairs, done));
      refs.add({ name: row.name, version: row.version, fingerprint: row.fingerprint });
      // The first row too: the selection's count and the first reads are a step of their own.
      if (++done % PROGRESS_EVERY === 0 || done === 1) {
        throwIfPairProblem(pairs.problems);
        throwIfCancelled(options.shouldCancel, 'export');
        options.onProgress?.(done, view.versions);
      }
    }
    if (current) writer.add(current);
    throwIfPairProblem(pairs.finish());
  } finally {
    pairs.abandon();
    for (const v of current?.versions ?? []) wipe(v.secret);
  }
}

/**
 * Writes the selected keys to a new bundle and its access keys to a separate
 * new file, reading the keystore in one read transaction. Both files appear
 * under their names only once complete, and stay only once the export is in
 * the audit log; on any failure (the audit entry's included) neither does,
 * and after a crash the next run settles it (exportJournal.ts).
 */
export function exportBundle(keystore: Keystore, options: ExportOptions): ExportReport {
  const bundlePath = resolve(options.bundlePath);
  const accessKeysPath = resolve(options.accessKeysPath);
  refuseClobbering(keystore, bundlePath, accessKeysPath);
  const secrets = options.secrets ?? newExportSecrets();
  const force = Boolean(options.force);
  const files: OutputFile[] = [];
  try {
    const bundleOut = new OutputFile(bundlePath, force, FORCE_HINT);
    files.push(bundleOut);
    const keysOut = new OutputFile(accessKeysPath, force, FORCE_HINT);
    files.push(keysOut);
    const sourceVault = sourceVaultField(keystore.vaultFingerprint());
    const refs = new KeyRefCollector();
    const { vault, ...counts } = keystore.exportView(options.selection, (view) => {
      const writer = new BundleWriter((bytes) => bundleOut.write(bytes), secrets, {
        privateKeys: options.privateKeys,
        keyCount: view.keys,
        versionCount: view.versions,
        sourceFingerprint: sourceVault,
        chunkBytes: options.chunkBytes,
      });
      try {
        writeKeys(keystore, view, writer, options, refs);
        const vault: VaultRecordsWritten = writeVaultRecords(keystore, writer);
        writer.finish();
        options.onProgress?.(view.versions, view.versions);
        return { keys: view.keys, versions: view.versions, vault };
      } finally {
        writer.dispose();
      }
    });
    throwIfCancelled(options.shouldCancel, 'export');
    keysOut.write(utf8Bytes(encodeAccessKeys(accessKeysOf(secrets))));
    bundleOut.seal();
    keysOut.seal();
    const pairFingerprint = accessKeysFingerprint(accessKeysOf(secrets));
    const bundleId = toHex(secrets.bundleId);
    // A bundle without its access keys is useless: both are put in place and the export
    // recorded, or neither (with --force, the pair they replaced is put back). The audit
    // entry is the commit point; the journal lets the next run settle a crash (exportJournal.ts).
    const journal = openJournal(keystore.path, bundleId, [bundleOut, keysOut]);
    let settled = true;
    try {
      publishAll([bundleOut, keysOut]);
      try {
        keystore.record({ operation: 'export', subject: refs.subject({ bundle: bundlePath, accessKeys: accessKeysPath, pairFingerprint, bundleId, privateKeys: options.privateKeys, ceremonies: vault.ceremonies }) });
      } catch (error) {
        try {
          for (const file of [bundleOut, keysOut]) file.unpublish();
        } catch {
          settled = false; // the journal stays: the next run takes the files back
        }
        throw error;
      }
    } finally {
      if (settled) closeJournal(journal);
    }
    return {
      bundle: bundlePath,
      accessKeys: accessKeysPath,
      pairFingerprint,
      bundleId: toHex(secrets.bundleId),
      createdAt: secrets.createdAt.toISOString(),
      privateKeys: options.privateKeys,
      ...counts,
      vault: vault.vaultFingerprint,
      vaultName: vault.vaultName,
      ceremonies: vault.ceremonies,
      auditHistory: vault.auditHistory,
    };
  } finally {
    for (const file of files) file.discard();
    if (!options.secrets) wipe(secrets.encryptionKey);
  }
}
