/**
 * What the keystore's unlock methods need from a root of trust, whatever it is
 * (a PKCS#11 HSM key, a HashiCorp Vault transit key, a Vault KV secret). The
 * integration stores `describe()` next to the wrapped blob and calls `unwrap`
 * on unlock; nothing here knows SQLite.
 */

/** Parameters that name where the root lives. Never a PIN, token, secret_id or key byte. */
export type WrapperDescription =
  | { kind: 'pkcs11'; modulePath: string; token: { label: string } | { slotIndex: number }; keyLabel: string; mechanism: 'CKM_AES_GCM'; format: number }
  | { kind: 'vault-transit'; endpoint: string; mount: string; keyName: string };

/**
 * Wraps the 32-byte master key under a key that never leaves the root of trust.
 * `context` (for example the keystore id) is bound to the blob: unwrapping with
 * another context fails, so a blob copied to another keystore does not open.
 */
export interface MasterKeyWrapper<Blob extends Uint8Array | string = Uint8Array | string> {
  describe(): WrapperDescription;
  wrap(masterKey: Uint8Array, context: Uint8Array): Promise<Blob>;
  /** Returns a fresh 32-byte buffer the caller owns (and should wipe). Throws a CustosError, never returns a wrong key silently. */
  unwrap(blob: Blob, context: Uint8Array): Promise<Uint8Array>;
}

/** Where a master key is kept as a secret rather than wrapped (Acra's way: Vault KV v2). */
export interface MasterKeySourceDescription {
  kind: 'vault-kv';
  endpoint: string;
  mount: string;
  path: string;
  field: string;
}

export interface MasterKeySource {
  describe(): MasterKeySourceDescription;
  /** Returns exactly 32 bytes or throws (VAULT_MALFORMED for anything else). */
  read(): Promise<Uint8Array>;
  /** Refuses to replace an existing secret unless `overwrite` is set. */
  write(masterKey: Uint8Array, options?: { overwrite?: boolean }): Promise<{ version: number }>;
}
