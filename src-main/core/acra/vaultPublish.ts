/**
 * Puts the Acra master key where AcraServer and AcraTranslator read it with
 * `--keystore_encryption_type=vault_master_key` (acra
 * keystore/keyloader/hashicorp/vault_loader.go): Acra lists the mounts at
 * `sys/internal/ui/mounts`, takes the mount named by the first segment of
 * `--vault_secrets_path`, and reads field `acra_master_key` (the base64 string
 * ACRA_MASTER_KEY would hold) from `<path>` on KV v1, or from
 * `<mount>/data/<rest of path>` (under `data.data`) on KV v2.
 */
import { z } from 'zod';
import { CustosError } from '../../../shared/errors.js';
import { encodeBase64 } from '../crypto/bytes.js';
import { checkVaultPath, type VaultConnection } from '../kms/vault/connect.js';
import { malformed } from '../kms/vault/errors.js';

export const ACRA_VAULT_FIELD = 'acra_master_key';
const MOUNTS_PATH = 'sys/internal/ui/mounts';

export interface KvEngine {
  mount: string;
  version: 1 | 2;
}

const Mounts = z.object({ data: z.object({ secret: z.record(z.string(), z.object({ type: z.string(), options: z.unknown() })) }) });

/** Which KV engine Acra would find for `secretsPath`, decided as Acra decides it. */
export async function findKvEngine(vault: VaultConnection, secretsPath: string): Promise<KvEngine> {
  const first = secretsPath.split('/')[0] ?? '';
  const parsed = Mounts.safeParse(await vault.read(MOUNTS_PATH, 'kv-read'));
  if (!parsed.success) throw malformed('kv-read', vault.endpoint, `${MOUNTS_PATH} did not list secret engines (data.secret)`);
  const entry = Object.entries(parsed.data.data.secret).find(([name]) => name.replace(/^\/+|\/+$/g, '') === first);
  if (!entry) throw new CustosError('VAULT_NOT_FOUND', `no secrets engine is mounted at ${first}/ in Vault at ${vault.endpoint} (Acra takes the mount from the first segment of the path)`);
  const [, info] = entry;
  if (info.type !== 'kv') throw new CustosError('VAULT_NOT_FOUND', `the engine at ${first}/ is "${info.type.slice(0, 40)}", not kv; Acra reads its master key from a KV engine only`);
  // As Acra: options null (or not an object) is KV v1; an object must name its version.
  if (typeof info.options !== 'object' || info.options === null) return { mount: first, version: 1 };
  const version = (info.options as { version?: unknown }).version;
  if (version === '1' || version === '2') return { mount: first, version: Number(version) as 1 | 2 };
  throw malformed('kv-read', vault.endpoint, `the KV engine at ${first}/ has no version Acra understands (options.version "1" or "2")`);
}

/** The path Acra reads, and where the fields sit in the answer. */
function locate(engine: KvEngine, secretsPath: string): string {
  const rest = secretsPath.split('/').slice(1).join('/');
  return engine.version === 2 ? `${engine.mount}/data/${rest}` : secretsPath;
}

const V1 = z.object({ data: z.record(z.string(), z.unknown()) });
const V2 = z.object({ data: z.object({ data: z.record(z.string(), z.unknown()).nullable(), metadata: z.object({ version: z.number().int().nonnegative() }) }) });

async function readFields(vault: VaultConnection, engine: KvEngine, path: string): Promise<{ fields: Record<string, unknown>; version: number } | null> {
  let answer: unknown;
  try {
    answer = await vault.read(path, 'kv-read');
  } catch (error) {
    if (error instanceof CustosError && error.code === 'VAULT_NOT_FOUND') return null;
    throw error;
  }
  if (engine.version === 1) {
    const parsed = V1.safeParse(answer);
    if (!parsed.success) throw malformed('kv-read', vault.endpoint, `${path} is not a KV v1 answer (data)`);
    return { fields: parsed.data.data, version: 0 };
  }
  const parsed = V2.safeParse(answer);
  if (!parsed.success) throw malformed('kv-read', vault.endpoint, `${path} is not a KV v2 answer (data.data, data.metadata.version)`);
  return { fields: parsed.data.data.data ?? {}, version: parsed.data.data.metadata.version };
}

export interface PublishReport {
  endpoint: string;
  /** Acra's --vault_secrets_path. */
  secretsPath: string;
  /** Where the field was written (and where Acra reads it). */
  writtenPath: string;
  kvVersion: 1 | 2;
  /** The KV v2 version written; absent on KV v1. */
  secretVersion?: number;
  replaced: boolean;
}

/**
 * Writes `acra_master_key` = base64(masterKey) and reads it back the way Acra
 * does. Other fields of the secret are kept. An existing `acra_master_key` is
 * refused with VAULT_SECRET_EXISTS unless `overwrite`. On KV v2 the write is
 * check-and-set against the version read, so a concurrent change fails it.
 */
export async function publishAcraMasterKey(vault: VaultConnection, secretsPathOption: string, masterKey: Uint8Array, options: { overwrite?: boolean } = {}): Promise<PublishReport> {
  const secretsPath = checkVaultPath(secretsPathOption.replace(/\/+$/, ''), 'the secrets path');
  if (!secretsPath.includes('/')) throw new CustosError('INVALID_ARGUMENT', `the secrets path "${secretsPath}" names a mount only; give mount/secret, such as secret/acra`);
  if (masterKey.length < 32) throw new CustosError('ACRA_MASTER_KEY_MALFORMED', 'an Acra master key is at least 32 bytes');
  const engine = await findKvEngine(vault, secretsPath);
  const path = locate(engine, secretsPath);
  const current = await readFields(vault, engine, path);
  const replaced = current !== null && Object.hasOwn(current.fields, ACRA_VAULT_FIELD);
  if (replaced && options.overwrite !== true) {
    throw new CustosError('VAULT_SECRET_EXISTS', `${path} in Vault at ${vault.endpoint} already holds ${ACRA_VAULT_FIELD}; pass --force to replace it (AcraServer then needs the new key's keystore)`);
  }
  const value = encodeBase64(masterKey);
  const fields = { ...(current?.fields ?? {}), [ACRA_VAULT_FIELD]: value };
  const answer = await vault.write(path, engine.version === 2 ? { data: fields, options: { cas: current?.version ?? 0 } } : fields, 'kv-write');
  const check = await readFields(vault, engine, path);
  if (check?.fields[ACRA_VAULT_FIELD] !== value) throw malformed('kv-read', vault.endpoint, `${path} does not hold the key just written`);
  const written = (answer as { data?: { version?: unknown } } | null)?.data?.version;
  return {
    endpoint: vault.endpoint,
    secretsPath,
    writtenPath: path,
    kvVersion: engine.version,
    ...(engine.version === 2 && typeof written === 'number' ? { secretVersion: written } : {}),
    replaced,
  };
}
