import { z } from 'zod';
import { CustosError } from '../../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, wipe } from '../../crypto/bytes.js';
import { MASTER_KEY_BYTES } from '../../masterkey/masterKey.js';
import type { MasterKeySource, MasterKeySourceDescription } from '../types.js';
import { checkVaultPath, type VaultConnection } from './connect.js';
import { malformed } from './errors.js';

export interface KvLocation {
  /** Where the KV v2 engine is mounted; default "secret". */
  mount?: string;
  /** The secret's path under the mount (without "data/"). */
  path: string;
  /** The field holding the base64 master key. */
  field: string;
}

const Read = z.object({
  data: z.object({
    data: z.record(z.string(), z.unknown()),
    metadata: z.object({ version: z.number().int().positive() }),
  }),
});
const Written = z.object({ data: z.object({ version: z.number().int().positive() }) });

function dataPath(location: KvLocation): string {
  return `${checkVaultPath(location.mount ?? 'secret', 'the KV mount')}/data/${checkVaultPath(location.path, 'the KV path')}`;
}

/** Reads the secret, or null if it does not exist (any other failure throws). */
async function readSecret(vault: VaultConnection, location: KvLocation): Promise<z.infer<typeof Read>['data'] | null> {
  let answer: unknown;
  try {
    answer = await vault.read(dataPath(location), 'kv-read');
  } catch (error) {
    if (error instanceof CustosError && error.code === 'VAULT_NOT_FOUND') return null;
    throw error;
  }
  const parsed = Read.safeParse(answer);
  if (!parsed.success) throw malformed('kv-read', vault.endpoint, `${dataPath(location)} is not a KV v2 answer (data.data, data.metadata.version)`);
  return parsed.data.data;
}

/**
 * Acra's way: the master key is a KV v2 secret field holding base64 of 32
 * bytes. Anything else (missing field, not a string, not strict base64, other
 * length) is VAULT_MALFORMED; the value is never echoed.
 */
export async function readMasterKeyFromKv(vault: VaultConnection, location: KvLocation): Promise<Uint8Array> {
  const secret = await readSecret(vault, location);
  if (!secret) throw new CustosError('VAULT_NOT_FOUND', `no secret at ${dataPath(location)} in Vault at ${vault.endpoint}`);
  const value = secret.data[location.field];
  if (typeof value !== 'string') throw malformed('kv-read', vault.endpoint, `field "${location.field}" of ${dataPath(location)} is ${value === undefined ? 'missing' : 'not a string'}`);
  const bytes = decodeBase64Strict(value);
  if (!bytes) throw malformed('kv-read', vault.endpoint, `field "${location.field}" is not base64`);
  if (bytes.length !== MASTER_KEY_BYTES) {
    const length = bytes.length;
    wipe(bytes);
    throw malformed('kv-read', vault.endpoint, `field "${location.field}" decodes to ${length} bytes; a master key is ${MASTER_KEY_BYTES}`);
  }
  return bytes;
}

/**
 * Writes the master key as a new version. Without `overwrite`, check-and-set 0
 * makes Vault itself refuse if any version exists (no race between a read and
 * the write). With `overwrite`, the other fields of the current version are
 * kept and check-and-set pins the version that was read.
 */
export async function writeMasterKeyToKv(vault: VaultConnection, location: KvLocation, masterKey: Uint8Array, options: { overwrite?: boolean } = {}): Promise<{ version: number }> {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new CustosError('MASTER_KEY_MALFORMED', 'a master key is exactly 32 bytes');
  let cas = 0;
  let fields: Record<string, unknown> = {};
  if (options.overwrite === true) {
    const current = await readSecret(vault, location);
    if (current) {
      cas = current.metadata.version;
      fields = current.data;
    }
  }
  const body = { options: { cas }, data: { ...fields, [location.field]: encodeBase64(masterKey) } };
  const answer = await vault.write(dataPath(location), body, 'kv-write');
  const parsed = Written.safeParse(answer);
  if (!parsed.success) throw malformed('kv-write', vault.endpoint, 'the KV v2 write answer has no version');
  return { version: parsed.data.data.version };
}

export function kvMasterKeySource(vault: VaultConnection, location: KvLocation): MasterKeySource {
  const description: MasterKeySourceDescription = { kind: 'vault-kv', endpoint: vault.endpoint, mount: location.mount ?? 'secret', path: location.path, field: location.field };
  dataPath(location); // refuse a bad mount or path now, not at first use
  return {
    describe: () => ({ ...description }),
    read: () => readMasterKeyFromKv(vault, location),
    write: (masterKey, options) => writeMasterKeyToKv(vault, location, masterKey, options),
  };
}
