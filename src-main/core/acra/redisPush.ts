/**
 * `custos acra push`: the keystore v1 that `custos acra export` writes into a
 * folder, written into Redis instead, as Acra's Redis key storage lays it out
 * (redisStorage.ts). Same keys, same sealed bytes, same refusals.
 */
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { keyEntry, type KeyRef } from '../audit/subjects.js';
import type { Keystore } from '../keystore/keystore.js';
import { acraEntriesOf, acraFilesOf, type AcraSelection, type SkippedKey } from './exportKeys.js';
import type { RedisClient } from './redis/client.js';
import { normaliseKeysDir, writeRedisKeystore } from './redisStorage.js';

export interface RedisPushReport {
  redis: string;
  keysDir: string;
  files: number;
  /** Keys that were under the prefix before and were deleted (--force). */
  replaced: number;
  keys: KeyRef[];
  skipped: SkippedKey[];
}

export async function pushAcraKeystore(
  keystore: Keystore,
  client: RedisClient,
  options: { keysDir: string; selection: AcraSelection; acraMasterKey: Uint8Array; force?: boolean },
): Promise<RedisPushReport> {
  const keysDir = normaliseKeysDir(options.keysDir);
  const { entries, keys, skipped } = acraEntriesOf(keystore, options.selection);
  try {
    if (entries.length === 0) throw new CustosError('KEY_NOT_FOUND', `no usable keys to push (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}); nothing was written`);
    const files = acraFilesOf(options.acraMasterKey, entries);
    const { written, replaced } = await writeRedisKeystore(
      client,
      keysDir,
      files.map((f) => ({ name: f.path, bytes: f.bytes })),
      { replace: Boolean(options.force) },
    );
    const draft = keyEntry('export', keys, { format: 'acra-keystore-v1-redis', redis: client.address, keysDir, files: written });
    if (draft) keystore.record(draft);
    return { redis: client.address, keysDir, files: written, replaced, keys, skipped };
  } finally {
    for (const entry of entries) wipe(entry.content);
  }
}
