import { z } from 'zod';
import { CustosError } from '../../../../shared/errors.js';

// The stored parameters of each method kind, checked with zod. Apart from
// kinds.ts so that only a command that uses a stored method loads zod.

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
export type ParamsKind = keyof typeof SCHEMAS;
export type MethodParams<K extends ParamsKind> = z.infer<(typeof SCHEMAS)[K]>;

/** The stored parameters of a method row, checked; UNLOCK_METHOD_TAMPERED when they are not what Custos writes. */
export function methodParams<K extends ParamsKind>(kind: K, row: { id: number; params: string }): MethodParams<K> {
  let value: unknown;
  try {
    value = JSON.parse(row.params);
  } catch {
    value = null;
  }
  const parsed = SCHEMAS[kind].safeParse(value);
  if (!parsed.success) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} has malformed ${kind} parameters`);
  return parsed.data as MethodParams<K>;
}
