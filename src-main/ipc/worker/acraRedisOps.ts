/**
 * The Backups screen's Redis actions (docs/app.md, "Backups: Acra"): the same
 * core calls as `custos acra push` and `custos acra pull`. The Redis password
 * arrives from main and goes only to Redis; the TLS files and the Acra master
 * key are read here from the paths main's dialogs chose; nothing of them goes
 * back.
 */
import { readFileSync, statSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import type { AcraSelectionView } from '../../../shared/ipcAcra.js';
import type { AcraPullView, AcraPushView } from '../../../shared/ipcAcraRemote.js';
import { redisAcraServerFlags } from '../../core/acra/acraServerFlags.js';
import { importAcraEntries } from '../../core/acra/importKeys.js';
import { readAcraMasterKeyFile } from '../../core/acra/masterKey.js';
import { connectRedis, type RedisClient, type RedisOptions } from '../../core/acra/redis/client.js';
import { redisConnectionOptions } from '../../core/acra/redis/connectionOptions.js';
import { pullAcraEntries, redisSource } from '../../core/acra/redisPull.js';
import { pushAcraKeystore } from '../../core/acra/redisPush.js';
import { normaliseKeysDir } from '../../core/acra/redisStorage.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { inScreenTerms, withAcraMasterKey, type AcraKeySource } from './acraOps.js';
import { importedKeysListed, savedAcraMasterKeyFile, writtenKeysListed } from './acraKeysListed.js';
import type { Report } from './coreOps.js';

/** Redis as main hands it over: what the person typed, and the TLS files main's dialogs chose. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  keysDir: string;
  password?: string | undefined;
  tls: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined; sni?: string | undefined } | null;
  timeoutSeconds?: number | undefined;
}

export interface AcraRedisOps {
  acraRedisPush: { args: { redis: RedisTarget; selection: AcraSelectionView; replace: boolean } & AcraKeySource; result: AcraPushView };
  acraRedisPull: { args: { redis: RedisTarget; keyFile: string }; result: AcraPullView };
}

type Impl = { [K in keyof AcraRedisOps]: (args: AcraRedisOps[K]['args']) => Promise<AcraRedisOps[K]['result']> };

/** A PEM file is a few kilobytes; anything larger was chosen by mistake. */
const MAX_PEM_BYTES = 256 * 1024;

function readPem(path: string, what: string): string {
  let pem: string;
  try {
    if (statSync(path).size > MAX_PEM_BYTES) throw new CustosError('INVALID_ARGUMENT', `the chosen ${what} ${path} is larger than a PEM file can be`);
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CustosError) throw error;
    throw new CustosError('INVALID_ARGUMENT', `cannot read the chosen ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!pem.includes('-----BEGIN ')) throw new CustosError('INVALID_ARGUMENT', `the chosen ${what} ${path} holds no PEM block`);
  return pem;
}

/** As the CLI's redisOptionsFrom, from the screen's fields instead of a URL. */
export function redisOptionsOf(target: RedisTarget): RedisOptions {
  const { tls } = target;
  if (tls && Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new CustosError('INVALID_ARGUMENT', 'a client certificate needs both its certificate and its key');
  const timeoutMs = target.timeoutSeconds ? target.timeoutSeconds * 1000 : undefined;
  return redisConnectionOptions({ host: target.host, port: target.port, db: target.db, password: target.password, tls, timeoutMs }, readPem);
}

async function withRedis<T>(target: RedisTarget, fn: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = await connectRedis(redisOptionsOf(target));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export function acraRedisOps(unlocked: () => Keystore, report: Report): Impl {
  return {
    async acraRedisPush(args) {
      const ks = unlocked();
      const keysDir = normaliseKeysDir(args.redis.keysDir);
      try {
        // Redis is reached before a new key is saved: a wrong address or password leaves no key file behind.
        return await withRedis(args.redis, async (client) => {
          report('export', `Writing the Acra keystore to Redis at ${client.address}`, 0, 0);
          const r = await withAcraMasterKey(args, (acraMasterKey) => pushAcraKeystore(ks, client, { keysDir, selection: args.selection, acraMasterKey, force: args.replace }));
          report('export', `Wrote ${r.files} key files to Redis`, r.files, r.files);
          return {
            redis: r.redis,
            keysDir: r.keysDir,
            files: r.files,
            replaced: r.replaced,
            ...writtenKeysListed(r),
            acraMasterKeyFile: savedAcraMasterKeyFile(args),
            acraServerFlags: redisAcraServerFlags(args.redis, r.keysDir),
          };
        });
      } catch (error) {
        throw inScreenTerms(error, 'Replace the keys in Redis');
      }
    },

    async acraRedisPull({ redis, keyFile }) {
      const ks = unlocked();
      const keysDir = normaliseKeysDir(redis.keysDir);
      const acraKey = readAcraMasterKeyFile(keyFile);
      let pulled;
      let source: string;
      let address: string;
      try {
        // Every entry is read and opened before the vault is written, as the CLI does.
        ({ pulled, source, address } = await withRedis(redis, async (client) => {
          report('import', `Reading the Acra keystore from Redis at ${client.address}`, 0, 0);
          const got = await pullAcraEntries(client, { keysDir, acraMasterKey: acraKey });
          return { pulled: got, source: redisSource(client, got.keysDir), address: client.address };
        }));
      } finally {
        wipe(acraKey);
      }
      const { entries } = pulled;
      try {
        report('import', `Importing ${pulled.files} key files`, 0, pulled.files);
        const r = importAcraEntries(ks, entries, source);
        report('import', 'Acra keystore imported from Redis', pulled.files, pulled.files);
        return {
          redis: address,
          keysDir: pulled.keysDir,
          files: pulled.files,
          versions: r.versions,
          publicOnlyVersions: r.publicOnlyVersions,
          keys: importedKeysListed(r.keys),
        };
      } finally {
        for (const entry of entries) wipe(entry.content);
      }
    },
  };
}
