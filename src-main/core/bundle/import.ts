import { CustosError } from '../../../shared/errors.js';
import type { Keystore } from '../keystore/keystore.js';
import type { AccessKeys } from './accessKeys.js';
import { useSecondThread } from '../parallel/secondThread.js';
import { throwIfCancelled, type Progress, type ShouldCancel } from './export.js';
import type { BundleReader } from './reader.js';
import { throwIfPairProblem, validatePortableKey, type DeferredPairs } from './validate.js';
import { PairProofs } from '../check/pairProofs.js';
import { KeyRefCollector } from '../audit/subjects.js';
import { toHex } from '../crypto/bytes.js';
import { importVaultRecords, type VaultRecordsImported } from './vaultImport.js';

export const CONFLICT_POLICIES = ['fail', 'skip', 'replace'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export interface ImportOptions {
  /** What to do with a key whose name exists already: fail (default, nothing is written), skip it, or replace it. */
  onConflict?: ConflictPolicy | undefined;
  onProgress?: Progress | undefined;
  /** Asked after each chunk: true rolls the whole import back (CANCELLED). */
  shouldCancel?: ShouldCancel | undefined;
  /** Prove P-256 pairs in a second thread while this one goes on (default: when the machine has more than one core). Either way every pair is proven. */
  worker?: boolean | undefined;
}

export interface ImportReport {
  bundle: string;
  pairFingerprint: string;
  privateKeys: boolean;
  /** Keys written (new or replacing), and their versions. */
  keys: number;
  versions: number;
  /** Versions written without private material (public-only bundle, or public-only at the source). */
  publicOnlyVersions: number;
  skipped: number;
  replaced: number;
  /** What a v2 bundle carried besides keys; null for a v1 bundle. */
  vault: VaultRecordsImported | null;
}

const MAX_NAMED = 10;

/**
 * Imports a bundle in one pass inside one immediate transaction: each chunk
 * is opened, each key checked (catalogue, versions, fingerprints) and its
 * secrets re-sealed under this keystore's own master key and identity. The
 * signature over the whole bundle is checked at the end; any failure throws
 * a typed error and the transaction rolls back, leaving the keystore as it was.
 */
export function importBundle(keystore: Keystore, reader: BundleReader, accessKeys: AccessKeys, options: ImportOptions = {}): ImportReport {
  reader.checkAccessKeys(accessKeys);
  const policy = options.onConflict ?? 'fail';
  const refs = new KeyRefCollector();
  // P-256 pairs proven in a second thread while this one decrypts, checks and re-seals (as `custos check` does);
  // every verdict is in before anything is committed.
  const deferred: DeferredPairs = { pairs: new PairProofs(options.worker ?? useSecondThread(reader.header.versionCount)), order: 0 };
  try {
    return importInTransaction(keystore, reader, accessKeys, options, policy, refs, deferred);
  } finally {
    deferred.pairs.abandon();
  }
}

function importInTransaction(keystore: Keystore, reader: BundleReader, accessKeys: AccessKeys, options: ImportOptions, policy: ConflictPolicy, refs: KeyRefCollector, deferred: DeferredPairs): ImportReport {
  const { privateKeys, keyCount } = reader.header;
  return keystore.importKeys((importer, ctx) => {
    const report: ImportReport = { bundle: reader.path, pairFingerprint: reader.pairFingerprint, privateKeys, keys: 0, versions: 0, publicOnlyVersions: 0, skipped: 0, replaced: 0, vault: null };
    const conflicts: string[] = [];
    let conflictCount = 0;
    const read = reader.readKeys(
      accessKeys,
      (key) => {
        validatePortableKey(key, privateKeys, deferred);
        if (!importer.insert(key)) {
          if (importer.presence(key.name) === 'imported') throw new CustosError('BUNDLE_MALFORMED', `the bundle holds key '${key.name}' twice`);
          if (policy === 'fail') {
            if (++conflictCount <= MAX_NAMED) conflicts.push(key.name);
            return;
          }
          if (policy === 'skip') {
            report.skipped++;
            return;
          }
          importer.remove(key.name);
          importer.insert(key);
          report.replaced++;
        }
        report.keys++;
        report.versions += key.versions.length;
        for (const v of key.versions) refs.add({ name: key.name, version: v.version, fingerprint: v.fingerprint });
        for (const v of key.versions) if (!v.secret && v.state !== 'destroyed') report.publicOnlyVersions++;
      },
      (done) => {
        throwIfPairProblem(deferred.pairs.problems);
        throwIfCancelled(options.shouldCancel, 'import');
        options.onProgress?.(done, keyCount);
      },
    );
    throwIfPairProblem(deferred.pairs.finish());
    throwIfCancelled(options.shouldCancel, 'import');
    if (conflictCount > 0) {
      const named = conflicts.join(', ') + (conflictCount > MAX_NAMED ? ` and ${conflictCount - MAX_NAMED} more` : '');
      throw new CustosError('KEY_EXISTS', `${conflictCount} key(s) in the bundle exist in this keystore already: ${named}. Nothing was imported; choose --on-conflict skip or replace`);
    }
    if (reader.header.version >= 2) report.vault = importVaultRecords(ctx, read.extras, { bundleId: toHex(reader.header.bundleId), pairFingerprint: reader.pairFingerprint });
    return report;
  }, (report) => {
    const v = report.vault;
    const changedVault = v !== null && (v.ceremonies.length > 0 || v.adoptedName !== null || v.auditHistory);
    if (refs.size === 0 && !changedVault) return null;
    const vault = v ? { sourceVault: v.sourceVault, ceremonies: v.ceremonies, skippedCeremonies: v.skippedCeremonies, adoptedName: v.adoptedName, auditHistory: v.auditHistory, ...(v.unverifiedTagKeys.length > 0 ? { unverifiedTagKeys: v.unverifiedTagKeys } : {}) } : {};
    return { operation: 'import', subject: refs.subject({ bundle: report.bundle, pairFingerprint: report.pairFingerprint, privateKeys, onConflict: policy, skipped: report.skipped, replaced: report.replaced, publicOnlyVersions: report.publicOnlyVersions, ...vault }) };
  });
}
