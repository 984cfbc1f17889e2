/**
 * `custos acra pull`: a keystore v1 kept in Redis (Acra's layout, see
 * redisStorage.ts) imported into the vault exactly as `custos acra import`
 * imports a folder: every entry must be a key file Acra would write, and must
 * open under the Acra master key with its context, or nothing is written.
 */
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import type { Keystore } from '../keystore/keystore.js';
import { importAcraEntries, openAcraFiles, type AcraImportReport } from './importKeys.js';
import type { AcraKeyEntry, AcraKeyFile } from './keystoreV1.js';
import type { RedisClient } from './redis/client.js';
import { normaliseKeysDir, readRedisKeystore } from './redisStorage.js';

export interface RedisPullReport extends AcraImportReport {
  redis: string;
  keysDir: string;
  files: number;
}

/**
 * Reads and opens every key file under the prefix, before the vault is
 * touched. Entries that are not base64 strings, names Acra gives no key, and
 * files that do not open are named; nothing is returned then. The caller
 * wipes the entries' contents.
 */
export async function pullAcraEntries(
  client: RedisClient,
  options: { keysDir: string; acraMasterKey: Uint8Array },
): Promise<{ keysDir: string; files: number; stored: AcraKeyFile[]; entries: AcraKeyEntry[] }> {
  const keysDir = normaliseKeysDir(options.keysDir);
  const { files, bad } = await readRedisKeystore(client, keysDir);
  if (bad.length > 0) {
    const first = bad[0]!;
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more: ${bad.slice(1, 6).map((b) => b.name).join(', ')}${bad.length > 6 ? ', …' : ''})` : '';
    throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${keysDir}/${first.name} in Redis ${first.problem}${more}; nothing was imported`);
  }
  if (files.length === 0) throw new CustosError('KEY_NOT_FOUND', `Redis at ${client.address} holds no keys under ${keysDir}/ (check --keys-dir and the database number); nothing was imported`);
  const stored = files.map((f) => ({ path: f.name, bytes: f.bytes }));
  const entries = openAcraFiles(options.acraMasterKey, stored);
  return { keysDir, files: files.length, stored, entries };
}

export function redisSource(client: RedisClient, keysDir: string): string {
  return `${client.address} ${keysDir}/`;
}

/** pullAcraEntries, then the import into the vault in one transaction with its audit entry. */
export async function pullAcraKeystore(keystore: Keystore, client: RedisClient, options: { keysDir: string; acraMasterKey: Uint8Array }): Promise<RedisPullReport> {
  const { keysDir, files, entries } = await pullAcraEntries(client, options);
  try {
    const report = importAcraEntries(keystore, entries, redisSource(client, keysDir));
    return { ...report, redis: client.address, keysDir, files };
  } finally {
    for (const entry of entries) wipe(entry.content);
  }
}
