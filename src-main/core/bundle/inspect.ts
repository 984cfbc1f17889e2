import { statSync } from 'node:fs';
import type { KeyHeader, KeyPurpose, KeyState } from '../../../shared/keys.js';
import { toHex } from '../crypto/bytes.js';
import type { AccessKeys } from './accessKeys.js';
import { formatFingerprint } from './crypto.js';
import { sourceVaultOf } from './header.js';
import { BundleReader } from './reader.js';
import { validatePortableKey } from './validate.js';

/** What the clear-text header tells anyone who holds the bundle. */
export interface BundleSummary {
  path: string;
  bytes: number;
  formatVersion: number;
  bundleId: string;
  pairFingerprint: string;
  createdAt: string;
  privateKeys: boolean;
  keys: number;
  versions: number;
  /** v2: the source vault's fingerprint (its name is inside the encryption: see Inspection.vault). */
  vault: string | null;
  /** v1 only: a hash of the source keystore's id. */
  sourceKeystore: string | null;
}

/** `secret`: the private or symmetric key travels; `public`: only the public key; `none`: destroyed, or symmetric metadata only. */
export type Material = 'secret' | 'public' | 'none';

export interface ManifestEntry extends KeyHeader {
  createdAt: string;
  versions: Array<{ version: number; state: KeyState; fingerprint: string; createdAt: string; material: Material }>;
}

export interface Inspection {
  header: BundleSummary;
  /** True only when access keys were given and the whole bundle verified (every chunk, fingerprint and the signature). */
  verified: boolean;
  manifest?: ManifestEntry[];
  counts?: { byPurpose: Partial<Record<KeyPurpose, number>>; byState: Partial<Record<KeyState, number>> };
  /** With access keys, for a v2 bundle: the vault record and what else travels (ceremony ids, whether an audit history does). */
  vault?: { fingerprint: string; name: string | null; ceremonies: Array<{ id: string; createdAt: string; supersededAt: string | null }>; auditHistory: boolean };
}

export function summarize(reader: BundleReader): BundleSummary {
  const h = reader.header;
  return {
    path: reader.path,
    bytes: statSync(reader.path).size,
    formatVersion: h.version,
    bundleId: toHex(h.bundleId),
    pairFingerprint: formatFingerprint(h.pairFingerprint),
    createdAt: h.createdAt.toISOString(),
    privateKeys: h.privateKeys,
    keys: h.keyCount,
    versions: h.versionCount,
    vault: sourceVaultOf(h),
    sourceKeystore: h.version < 2 ? formatFingerprint(h.sourceFingerprint) : null,
  };
}

/**
 * The header alone without access keys; with them, the whole bundle is read
 * and verified as an import would, and the manifest returned. No secret
 * leaves this function: only names, states, fingerprints and which material travels.
 */
export function inspectBundle(path: string, accessKeys?: AccessKeys): Inspection {
  const reader = new BundleReader(path);
  try {
    const header = summarize(reader);
    if (!accessKeys) return { header, verified: false };
    const manifest: ManifestEntry[] = [];
    const byPurpose: Partial<Record<KeyPurpose, number>> = {};
    const byState: Partial<Record<KeyState, number>> = {};
    const read = reader.readKeys(accessKeys, (key) => {
      validatePortableKey(key, reader.header.privateKeys);
      byPurpose[key.purpose] = (byPurpose[key.purpose] ?? 0) + 1;
      const versions = key.versions.map((v) => {
        byState[v.state] = (byState[v.state] ?? 0) + 1;
        const material: Material = v.secret ? 'secret' : v.publicKey && v.state !== 'destroyed' ? 'public' : 'none';
        return { version: v.version, state: v.state, fingerprint: v.fingerprint, createdAt: v.createdAt, material };
      });
      const { name, clientId, zoneId, purpose, algorithm, currentVersion, createdAt } = key;
      manifest.push({ name, clientId, zoneId, purpose, algorithm, currentVersion, createdAt, versions });
    });
    const { vault: v, ceremonies, auditHistory } = read.extras;
    for (const c of ceremonies) c.supersededTagKey?.fill(0);
    const vault = v ? { fingerprint: v.vaultFingerprint, name: v.vaultName, ceremonies: ceremonies.map((c) => ({ id: c.record.id, createdAt: c.record.createdAt, supersededAt: c.supersededAt })), auditHistory: auditHistory !== null } : undefined;
    return { header, verified: true, manifest, counts: { byPurpose, byState }, ...(vault ? { vault } : {}) };
  } finally {
    reader.close();
  }
}
