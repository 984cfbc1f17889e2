import { CustosError } from '../../../shared/errors.js';
import type { KeyAlgorithm } from '../../../shared/keys.js';
import { validateId } from '../catalog/ids.js';
import { equalBytes } from '../crypto/bytes.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { p256Points } from '../crypto/p256Points.js';
import type { OrderedProblem, PairProofs } from '../check/pairProofs.js';
import { publicKeyBytes } from '../catalog/material.js';
import { algorithmFits, purposeSpec } from '../catalog/purposes.js';
import type { PortableKey, PortableVersion } from '../keystore/importer.js';
import { materialFingerprint } from '../keystore/recordOpener.js';

const MATERIAL_BYTES = 32;
const FINGERPRINT = /^[0-9a-f]{32}$/;
const EMPTY = new Uint8Array(0);

/**
 * Whether a version's recorded fingerprint matches its material: the public
 * key for key pairs, the secret for symmetric keys. A symmetric key that travels
 * without its secret has nothing to check and counts as matching.
 */
export function fingerprintMatches(algorithm: KeyAlgorithm, v: PortableVersion): boolean {
  // With its secret, a P-256 version's point and SPKI come from one scalar multiplication (decompressing
  // the point cost several AEADs per key on import), and the point must also be the secret's.
  if (algorithm === 'p256' && v.secret !== null) {
    try {
      const points = p256Points(v.secret);
      return v.publicKey !== null && equalBytes(points.compressed, v.publicKey) && fingerprint('p256-spki', points.spki) === v.fingerprint;
    } catch {
      return false; // not a valid P-256 scalar
    }
  }
  if (algorithm !== 'sym256') {
    try {
      return v.publicKey !== null && materialFingerprint(algorithm, EMPTY, v.publicKey) === v.fingerprint;
    } catch {
      return false; // not a point on the curve: it matches nothing
    }
  }
  return v.secret === null || materialFingerprint(algorithm, v.secret, null) === v.fingerprint;
}

function validOwner(scope: 'client' | 'zone' | 'global', id: string): boolean {
  try {
    validateId(scope === 'zone' ? 'zone id' : 'client id', id);
    return true;
  } catch {
    return false;
  }
}

const malformed = (key: PortableKey, why: string) => new CustosError('BUNDLE_MALFORMED', `key '${key.name}' in the bundle is malformed: ${why}`);

/** Where a P-256 pair with its secret goes to be proven later (core/check/pairProofs.ts); `order` counts the versions handed over. */
export interface DeferredPairs {
  pairs: PairProofs;
  order: number;
}

/** Throws BUNDLE_FINGERPRINT for the first deferred pair (in bundle order) whose point or fingerprint is not its secret's. */
export function throwIfPairProblem(problems: readonly OrderedProblem[]): void {
  const first = problems.reduce<OrderedProblem | null>((a, b) => (a === null || b.order < a.order ? b : a), null);
  if (first) throw new CustosError('BUNDLE_FINGERPRINT', `key '${first.name}' v${first.version}: its public key or recorded fingerprint is not its secret's; nothing was imported`);
}

function checkVersion(key: PortableKey, v: PortableVersion, privateKeys: boolean, deferred: DeferredPairs | undefined): void {
  const at = `v${v.version}`;
  if ((key.algorithm !== 'sym256') !== (v.publicKey !== null) || (v.publicKey && v.publicKey.length !== publicKeyBytes(key.algorithm))) throw malformed(key, `${at} has a wrong public key`);
  if (v.secret && (v.secret.length !== MATERIAL_BYTES || v.state === 'destroyed' || !privateKeys)) throw malformed(key, `${at} carries a secret it must not`);
  if (!FINGERPRINT.test(v.fingerprint)) throw malformed(key, `${at} has a malformed fingerprint`);
  if (!v.createdAt || !v.changedAt) throw malformed(key, `${at} has no timestamps`);
  if (deferred && key.algorithm === 'p256' && v.secret !== null) {
    deferred.pairs.add({ order: deferred.order++, name: key.name, version: v.version, algorithm: 'p256', publicKey: v.publicKey, fingerprint: v.fingerprint }, v.secret);
    return;
  }
  if (!fingerprintMatches(key.algorithm, v)) {
    throw new CustosError('BUNDLE_FINGERPRINT', `key '${key.name}' ${at} does not match its recorded fingerprint ${v.fingerprint}; nothing was imported`);
  }
}

/**
 * Checks one key from a bundle before it is written: it follows the Acra
 * catalogue (name, owner and algorithm agree with its purpose), its versions
 * ascend and include the current one, and every fingerprint matches. With
 * `deferred`, P-256 pairs are proven there (the caller collects the verdicts
 * before it commits anything); without it, here.
 */
export function validatePortableKey(key: PortableKey, privateKeys: boolean, deferred?: DeferredPairs): void {
  const spec = purposeSpec(key.purpose);
  const owner = spec.scope === 'client' ? key.clientId : spec.scope === 'zone' ? key.zoneId : null;
  const strayOwner = spec.scope === 'client' ? key.zoneId : spec.scope === 'zone' ? key.clientId : (key.clientId ?? key.zoneId);
  if (!algorithmFits(spec, key.algorithm)) throw malformed(key, `purpose ${key.purpose} is not ${key.algorithm}`);
  if ((spec.scope !== 'global' && owner === null) || strayOwner !== null || spec.nameFor(owner) !== key.name) throw malformed(key, 'its name does not follow from its purpose and owner');
  if (owner !== null && !validOwner(spec.scope, owner)) throw malformed(key, `its ${spec.scope} id is not a valid id`);
  if (!key.createdAt || key.versions.length === 0) throw malformed(key, 'it has no versions');
  let previous = 0;
  for (const v of key.versions) {
    if (v.version <= previous) throw malformed(key, 'its versions are not in ascending order');
    previous = v.version;
    checkVersion(key, v, privateKeys, deferred);
  }
  if (!key.versions.some((v) => v.version === key.currentVersion)) throw malformed(key, `its current version ${key.currentVersion} is missing`);
}
