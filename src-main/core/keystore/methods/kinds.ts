import { z } from 'zod';
import { CustosError } from '../../../../shared/errors.js';
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

const name = z.string().min(1).max(255);
export const Pkcs11Params = z.object({
  kind: z.literal('pkcs11'),
  modulePath: name.max(4096),
  token: z.union([z.object({ label: name }).strict(), z.object({ slotIndex: z.number().int().min(0) }).strict()]),
  keyLabel: name,
  mechanism: z.literal('CKM_AES_GCM'),
  format: z.literal(1),
}).strict();
export const TransitParams = z.object({ kind: z.literal('vault-transit'), endpoint: name.max(2048), mount: name, keyName: name }).strict();
export const KvParams = z.object({ kind: z.literal('vault-kv'), endpoint: name.max(2048), mount: name, path: name.max(1024), field: name }).strict();
export const PaperParams = z.object({ kind: z.literal('paper'), ceremonyId: name }).strict();

const SCHEMAS = { 'pkcs11': Pkcs11Params, 'vault-transit': TransitParams, 'vault-kv': KvParams, 'paper': PaperParams } as const;
type Params<K extends keyof typeof SCHEMAS> = z.infer<(typeof SCHEMAS)[K]>;

/** The stored parameters of a method row, checked; UNLOCK_METHOD_TAMPERED when they are not what Custos writes. */
export function methodParams<K extends keyof typeof SCHEMAS>(kind: K, row: { id: number; params: string }): Params<K> {
  let value: unknown;
  try {
    value = JSON.parse(row.params);
  } catch {
    value = null;
  }
  const parsed = SCHEMAS[kind].safeParse(value);
  if (!parsed.success) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} has malformed ${kind} parameters`);
  return parsed.data as Params<K>;
}
