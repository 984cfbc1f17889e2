import { CustosError, type ErrorCode } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import type { Keystore } from '../keystore/keystore.js';
import { materialFingerprint } from '../keystore/recordOpener.js';
import type { VersionRow } from '../keystore/rows.js';
import { useSecondThread } from '../parallel/secondThread.js';
import { PairProofs } from './pairProofs.js';

export interface CheckProblem {
  name: string | null;
  version: number | null;
  code: ErrorCode;
  message: string;
}

export interface CheckReport {
  /** Versions whose sealed record was opened. */
  opened: number;
  /** Destroyed versions, which have nothing left to open. */
  destroyed: number;
  /** Public-only versions (imported without private parts); present only when there are some. */
  publicOnly?: number;
  problems: CheckProblem[];
}

export type Progress = (done: number, total: number) => void;

export interface CheckOptions {
  /**
   * Prove key pairs in a second thread while this one opens records (default:
   * parallel/secondThread.ts's rule: more than one core, 4,096 versions or
   * more). Either way every pair is proven.
   */
  worker?: boolean;
}

/**
 * Opens a version's record and checks what it holds: a symmetric key's
 * fingerprint here; a pair goes to `pairs`, which recomputes its public key
 * (in this thread or a second one) and compares it and the fingerprint.
 */
function checkVersion(keystore: Keystore, row: VersionRow, order: number, pairs: PairProofs): CheckProblem | null {
  const problem = (code: ErrorCode, message: string): CheckProblem => ({ name: row.name, version: row.version, code, message });
  let secret: Uint8Array | null = null;
  try {
    secret = keystore.openSecret(row);
    if (row.algorithm !== 'sym256') {
      pairs.add({ order, name: row.name, version: row.version, algorithm: row.algorithm, publicKey: row.public_key, fingerprint: row.fingerprint }, secret);
      return null;
    }
    if (materialFingerprint(row.algorithm, secret, row.public_key) !== row.fingerprint) {
      return problem('KEY_RECORD_TAMPERED', 'stored fingerprint does not match the key material');
    }
    return null;
  } catch (error) {
    if (error instanceof CustosError) return problem(error.code, error.message);
    throw error;
  } finally {
    wipe(secret);
  }
}

/** A public-only version seals its fingerprint: the seal must open, and agree with the public key. */
function checkPublicOnly(keystore: Keystore, row: VersionRow): CheckProblem | null {
  try {
    keystore.verifyPublicOnly(row);
    return null;
  } catch (error) {
    if (error instanceof CustosError) return { name: row.name, version: row.version, code: error.code, message: error.message };
    throw error;
  }
}

/**
 * Opens every sealed record and reports each problem rather than stopping at
 * the first: a tampered record, a public key or fingerprint that no longer
 * matches its secret, a key whose current version is missing, and anything
 * SQLite's integrity check finds.
 */
export function checkKeystore(keystore: Keystore, onProgress?: Progress, options: CheckOptions = {}): CheckReport {
  const problems: CheckProblem[] = keystore.integrityCheck().map((message) => ({ name: null, version: null, code: 'KEYSTORE_CORRUPT', message }));
  // Each row's problem with its position, so the pairs proven later still come out in storage order.
  const found: Array<CheckProblem & { order: number }> = [];
  const total = keystore.info().keyVersions;
  const pairs = new PairProofs(options.worker ?? useSecondThread(total));
  const currentSeen = new Map<string, boolean>();
  let opened = 0;
  let destroyed = 0;
  let publicOnly = 0;
  let done = 0;
  try {
    for (const row of keystore.versionRows()) {
      if (!currentSeen.get(row.name)) currentSeen.set(row.name, row.version === row.current_version);
      if (row.state === 'destroyed') destroyed++;
      else if (row.public_only === 1) {
        publicOnly++;
        const problem = checkPublicOnly(keystore, row);
        if (problem) found.push({ ...problem, order: done });
      } else {
        const problem = checkVersion(keystore, row, done, pairs);
        if (problem) found.push({ ...problem, order: done });
        else opened++;
      }
      done++;
      if (onProgress && (done % 256 === 0 || done === total)) onProgress(done, total);
    }
  } catch (error) {
    pairs.abandon();
    throw error;
  }
  // As before batches: a record whose pair does not match is a problem, not an opened record.
  let pairProblems: ReturnType<PairProofs['finish']>;
  try {
    pairProblems = pairs.finish();
  } catch (error) {
    // Secrets may still sit in the shared slots: wipe them and stop the second thread.
    pairs.abandon();
    throw error;
  }
  opened -= pairProblems.length;
  found.push(...pairProblems);
  found.sort((a, b) => a.order - b.order);
  for (const { name, version, code, message } of found) problems.push({ name, version, code, message });
  for (const [name, hasCurrent] of currentSeen) {
    if (!hasCurrent) problems.push({ name, version: null, code: 'KEYSTORE_CORRUPT', message: 'the current version recorded for this key does not exist' });
  }
  return { opened, destroyed, ...(publicOnly > 0 ? { publicOnly } : {}), problems };
}
