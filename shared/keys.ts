/** Plain key metadata shared by the core, the CLI and (later) the renderer. No key material here. */

export const KEY_STATES = ['active', 'rotated', 'disabled', 'destroyed'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** p256: Themis EC key pairs on P-256, what Acra reads (the default); x25519 on request, and in vaults made before. */
export const KEY_ALGORITHMS = ['x25519', 'sym256', 'p256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const KEY_SCOPES = ['client', 'zone', 'global'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** Every kind of stored unlock method (the raw master key is not one: it always unlocks). */
export const UNLOCK_METHOD_KINDS = ['passphrase', 'pkcs11', 'vault-transit', 'vault-kv', 'paper'] as const;
export type UnlockMethodKind = (typeof UNLOCK_METHOD_KINDS)[number];

/** What a master-key rotation needs of a method: its credential, or (Vault KV, paper: the secret is the old key itself) only dropping it. */
export const ROTATION_NEEDS = ['passphrase', 'pin', 'vault', 'drop'] as const;
export type RotationNeed = (typeof ROTATION_NEEDS)[number];

export const KEY_PURPOSES = [
  'transport-connector',
  'transport-server',
  'transport-translator',
  'storage',
  'storage-sym',
  'hmac',
  'zone',
  'zone-sym',
  'poison',
  'poison-sym',
  'secure-log',
  'auth',
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** One version of one key, as listed. */
export interface KeyInfo {
  name: string;
  clientId: string | null;
  zoneId: string | null;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  version: number;
  state: KeyState;
  fingerprint: string;
  createdAt: string;
  /** Set only when this host holds the public part alone (imported from a public-only bundle). */
  publicOnly?: true;
}

/** What names a key and says what it is, shared by listings, bundles and manifests. */
export interface KeyHeader {
  name: string;
  clientId: string | null;
  zoneId: string | null;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  currentVersion: number;
}

export interface KeyDetail extends KeyHeader {
  versions: KeyInfo[];
}

/**
 * What a destroy answers: the key as it now is, and `oldBytesRemain` when
 * another process was using the vault, so the destroyed records' old sealed
 * bytes could not yet be written over (core Keystore.checkpoint).
 */
export interface DestroyedKey extends KeyDetail {
  oldBytesRemain?: true;
}
