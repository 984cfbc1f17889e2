/**
 * A keystore v1 in Redis, laid out as Acra's RedisStorage does
 * (acra keystore/filesystem/redisStorage.go): every key file is one Redis
 * string named `<keys_dir>/<relative path>` (filepath.Join, so
 * `.acrakeys/.poison_key/poison_key_sym`), holding the standard base64 of the
 * file's bytes. Folders do not exist in Redis; Acra finds the files by
 * `SCAN <keys_dir>/*`.
 */
import { posix } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64 } from '../crypto/bytes.js';
import { expectReply, type RedisClient } from './redis/client.js';
import { RespError } from './redis/resp.js';

/** One file of a keystore folder: its path relative to the folder, and its bytes as stored. */
export interface StoredKeyFile {
  name: string;
  bytes: Uint8Array;
}

/** What Go's filepath.Clean makes of the keys folder; "." and "/" are refused (no prefix would be left). */
export function normaliseKeysDir(dir: string): string {
  if (dir.length === 0 || /[\r\n\0]/.test(dir)) throw new CustosError('INVALID_ARGUMENT', 'the keys folder (--keys-dir) is empty or has control characters');
  const clean = posix.normalize(dir).replace(/(.)\/+$/, '$1');
  if (clean === '.' || clean === '/' || clean === '..' || clean.startsWith('../')) throw new CustosError('INVALID_ARGUMENT', `--keys-dir "${dir}" names no folder of its own; give the folder Acra's --keys_dir names, such as .acrakeys`);
  return clean;
}

export function redisKeyName(keysDir: string, name: string): string {
  return posix.join(keysDir, name);
}

/** SCAN's MATCH is a glob: the folder's own *, ?, [, ] and \ must match only themselves. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Every Redis key under `<keysDir>/`, sorted, each once (SCAN may repeat a key). */
export async function scanKeys(client: RedisClient, keysDir: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const reply = await expectReply(client, 'SCAN', 'SCAN', cursor, 'MATCH', `${globEscape(keysDir)}/*`, 'COUNT', '1000');
    if (!Array.isArray(reply) || reply.length !== 2 || !(reply[0] instanceof Uint8Array) || !Array.isArray(reply[1])) {
      throw new CustosError('REDIS_ERROR', `Redis at ${client.address} answered SCAN with something else than a cursor and a list`);
    }
    cursor = Buffer.from(reply[0]).toString('utf8');
    for (const key of reply[1]) if (key instanceof Uint8Array) found.add(Buffer.from(key).toString('utf8'));
  } while (cursor !== '0');
  return [...found].sort();
}

export interface RedisReadResult {
  files: StoredKeyFile[];
  /** Keys under the folder that cannot be a key file, each with why. */
  bad: Array<{ name: string; problem: string }>;
}

/** Reads every key file under `<keysDir>/`: the base64 string decoded to the file's bytes. */
export async function readRedisKeystore(client: RedisClient, keysDirOption: string): Promise<RedisReadResult> {
  const keysDir = normaliseKeysDir(keysDirOption);
  const keys = await scanKeys(client, keysDir);
  const files: StoredKeyFile[] = [];
  const bad: RedisReadResult['bad'] = [];
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += 100) batches.push(keys.slice(i, i + 100));
  // Pipelined batches: one round trip's wait for all of them, not one each.
  const replies = await client.pipeline(batches.map((batch) => ['MGET', ...batch]));
  batches.forEach((batch, b) => {
    const values = replies[b];
    if (values instanceof RespError) throw new CustosError('REDIS_ERROR', `Redis at ${client.address} refused MGET: ${values.message.slice(0, 200)}`);
    if (!Array.isArray(values) || values.length !== batch.length) throw new CustosError('REDIS_ERROR', `Redis at ${client.address} answered MGET with a list of the wrong length`);
    batch.forEach((key, j) => {
      const name = key.slice(keysDir.length + 1);
      const value = values[j];
      // MGET answers nil for a key that is not a string (a hash, a list) or was deleted meanwhile.
      if (!(value instanceof Uint8Array)) return void bad.push({ name, problem: 'is not a Redis string' });
      const bytes = decodeBase64Strict(Buffer.from(value).toString('latin1'));
      if (!bytes) return void bad.push({ name, problem: 'is not standard base64, as Acra stores key files in Redis' });
      files.push({ name, bytes });
    });
  });
  return { files, bad };
}

/**
 * Writes the files under `<keysDir>/` in one MULTI/EXEC transaction, so Acra
 * never sees half a keystore. Keys already under the folder are refused
 * unless `replace`; then they are deleted in the same transaction, so the
 * folder ends up holding exactly these files.
 */
export async function writeRedisKeystore(client: RedisClient, keysDirOption: string, files: readonly StoredKeyFile[], options: { replace?: boolean } = {}): Promise<{ written: number; replaced: number }> {
  const keysDir = normaliseKeysDir(keysDirOption);
  const existing = await scanKeys(client, keysDir);
  if (existing.length > 0 && options.replace !== true) {
    throw new CustosError('FILE_EXISTS', `Redis at ${client.address} already holds ${existing.length} key${existing.length === 1 ? '' : 's'} under ${keysDir}/ (first: ${existing[0]}); pass --force to replace them all`);
  }
  await expectReply(client, 'MULTI', 'MULTI');
  // Pipelined: every command is sent at once and Redis answers QUEUED to each, in order.
  const queued = await client.pipeline([
    ...(existing.length > 0 ? [['DEL', ...existing]] : []),
    ...files.map((file) => ['SET', redisKeyName(keysDir, file.name), encodeBase64(file.bytes)]),
  ]);
  if (queued.some((reply) => reply !== 'QUEUED')) {
    await client.command('DISCARD').catch(() => undefined);
    throw new CustosError('REDIS_ERROR', `Redis at ${client.address} refused to queue the write; nothing was written`);
  }
  const results = await expectReply(client, 'EXEC', 'EXEC');
  if (!Array.isArray(results) || results.length !== files.length + (existing.length > 0 ? 1 : 0)) {
    throw new CustosError('REDIS_ERROR', `Redis at ${client.address} did not run the write transaction`);
  }
  const failed = results.find((r) => typeof r === 'object' && r !== null && !(r instanceof Uint8Array) && !Array.isArray(r));
  if (failed) throw new CustosError('REDIS_ERROR', `Redis at ${client.address} refused part of the write transaction`);
  return { written: files.length, replaced: existing.length };
}
