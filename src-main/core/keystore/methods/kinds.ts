import { UNLOCK_METHOD_KINDS, type UnlockMethodKind } from '../../../../shared/keys.js';
import type { VaultConnectionOptions } from '../../kms/vault/connect.js';
import type { ShareInput } from '../../paper/restore.js';

/** Every kind of row in `unlock_methods`: one list, shared with the IPC contract. */
export const METHOD_KINDS = UNLOCK_METHOD_KINDS;
export type MethodKind = UnlockMethodKind;

export function isMethodKind(text: string): text is MethodKind {
  return (METHOD_KINDS as readonly string[]).includes(text);
}

/** How to reach Vault, apart from where (the endpoint is stored with the method). Never stored. */
export type VaultAccess = Omit<VaultConnectionOptions, 'endpoint'>;

/**
 * What a person supplies to use one method: to unlock with it, or to let a
 * master-key rotation re-wrap it. Never stored.
 */
export type MethodCredentials =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'pkcs11'; pin: string }
  | { kind: 'vault-transit'; vault: VaultAccess }
  | { kind: 'vault-kv'; vault: VaultAccess }
  | { kind: 'paper'; shares: ShareInput[]; passphrase?: string | undefined };
