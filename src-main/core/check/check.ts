import { CustosError, type ErrorCode } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { p256Points } from '../crypto/p256Points.js';
import { publicFromSecret } from '../catalog/material.js';
import { materialFingerprint, type Keystore } from '../keystore/keystore.js';
import type { VersionRow } from '../keystore/rows.js';

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

function checkVersion(keystore: Keystore, row: VersionRow): CheckProblem | null {
  const problem = (code: ErrorCode, message: string): CheckProblem => ({ name: row.name, version: row.version, code, message });
  let secret: Uint8Array | null = null;
  try {
    secret = keystore.openSecret(row);
    if (row.algorithm === 'p256') {
      // One scalar multiplication gives the point to compare and the SPKI its fingerprint hashes.
      const points = p256Points(secret);
      if (!row.public_key || !equalBytes(points.compressed, row.public_key)) return problem('KEY_RECORD_TAMPERED', 'stored public key does not match the private key');
      if (fingerprint('p256-spki', points.spki) !== row.fingerprint) return problem('KEY_RECORD_TAMPERED', 'stored fingerprint does not match the key material');
      return null;
    }
    if (row.algorithm !== 'sym256') {
      const derived = publicFromSecret(row.algorithm, secret);
      if (!row.public_key || !equalBytes(derived, row.public_key)) return problem('KEY_RECORD_TAMPERED', 'stored public key does not match the private key');
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
export function checkKeystore(keystore: Keystore, onProgress?: Progress): CheckReport {
  const problems: CheckProblem[] = keystore.integrityCheck().map((message) => ({ name: null, version: null, code: 'KEYSTORE_CORRUPT', message }));
  const total = keystore.info().keyVersions;
  const currentSeen = new Map<string, boolean>();
  let opened = 0;
  let destroyed = 0;
  let publicOnly = 0;
  let done = 0;
  for (const row of keystore.versionRows()) {
    if (!currentSeen.get(row.name)) currentSeen.set(row.name, row.version === row.current_version);
    if (row.state === 'destroyed') destroyed++;
    else if (row.public_only === 1) {
      publicOnly++;
      const problem = checkPublicOnly(keystore, row);
      if (problem) problems.push(problem);
    } else {
      const problem = checkVersion(keystore, row);
      if (problem) problems.push(problem);
      else opened++;
    }
    done++;
    if (onProgress && (done % 256 === 0 || done === total)) onProgress(done, total);
  }
  for (const [name, hasCurrent] of currentSeen) {
    if (!hasCurrent) problems.push({ name, version: null, code: 'KEYSTORE_CORRUPT', message: 'the current version recorded for this key does not exist' });
  }
  return { opened, destroyed, ...(publicOnly > 0 ? { publicOnly } : {}), problems };
}
