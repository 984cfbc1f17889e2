import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import type { RedisOptions } from '../../../core/acra/redis/client.js';
import { redisConnectionOptions } from '../../../core/acra/redis/connectionOptions.js';
import { readSecretFile } from '../../methodCredentials.js';

/** The Redis options of push and pull; each help line names the Acra flag it stands for, in brackets. */
export interface RedisCliOptions {
  redis: string;
  keysDir: string;
  redisPasswordFile?: string;
  redisTls?: boolean;
  redisTlsCa?: string;
  redisTlsCert?: string;
  redisTlsKey?: string;
  redisTlsSni?: string;
  redisTimeout?: string;
}

export function withRedisOptions(command: Command): Command {
  return command
    .requiredOption('--redis <url>', 'redis://HOST:PORT/DB, or rediss:// for TLS [--redis_host_port, --redis_db_keys]')
    .option('--keys-dir <dir>', 'the keys folder Acra is given; Redis keys are named <dir>/<file> [--keys_dir]', '.acrakeys')
    .option('--redis-password-file <file>', 'file holding the Redis password [--redis_password]')
    .option('--redis-tls', 'use TLS (same as rediss://) [--redis_tls_enable]')
    .option('--redis-tls-ca <file>', "PEM of the CA for Redis's certificate [--redis_tls_client_ca]")
    .option('--redis-tls-cert <file>', 'client certificate, PEM [--redis_tls_client_cert]')
    .option('--redis-tls-key <file>', 'client private key, PEM [--redis_tls_client_key]')
    .option('--redis-tls-sni <name>', "name expected in Redis's certificate [--redis_tls_client_sni]")
    .option('--redis-timeout <seconds>', 'deadline for the connection and each command (default 10)');
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** How to reach Redis. A password in the URL is refused: command lines are visible to every user of the host. */
export function redisOptionsFrom(options: RedisCliOptions): RedisOptions {
  let url: URL;
  try {
    url = new URL(options.redis);
  } catch {
    throw new CustosError('INVALID_ARGUMENT', '--redis is not a URL; give redis://HOST:PORT/DB');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new CustosError('INVALID_ARGUMENT', '--redis must start with redis:// or rediss://');
  if (url.password) throw new CustosError('INVALID_ARGUMENT', 'put the Redis password in a file and pass --redis-password-file, not in the URL');
  if (url.search || url.hash) throw new CustosError('INVALID_ARGUMENT', '--redis takes redis://HOST:PORT/DB only');
  const dbText = url.pathname.replace(/^\//, '') || '0';
  if (!/^\d{1,5}$/.test(dbText)) throw new CustosError('INVALID_ARGUMENT', `the Redis database "${dbText}" is not a number (Acra's --redis_db_keys)`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new CustosError('INVALID_ARGUMENT', '--redis names no host');
  let timeoutMs: number | undefined;
  if (options.redisTimeout !== undefined) {
    const seconds = Number(options.redisTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new CustosError('INVALID_ARGUMENT', '--redis-timeout is a number of seconds, above 0 and at most 600');
    timeoutMs = Math.round(seconds * 1000);
  }
  const tlsAsked = url.protocol === 'rediss:' || options.redisTls === true;
  const tlsFiles = options.redisTlsCa ?? options.redisTlsCert ?? options.redisTlsKey ?? options.redisTlsSni;
  if (!tlsAsked && tlsFiles !== undefined) throw new CustosError('INVALID_ARGUMENT', 'the --redis-tls-* options need TLS: use rediss:// or --redis-tls');
  if (Boolean(options.redisTlsCert) !== Boolean(options.redisTlsKey)) throw new CustosError('INVALID_ARGUMENT', 'a client certificate needs both --redis-tls-cert and --redis-tls-key');
  return redisConnectionOptions(
    {
      host,
      port: url.port ? Number(url.port) : 6379,
      db: Number(dbText),
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: options.redisPasswordFile ? readSecretFile(options.redisPasswordFile, 'Redis password file') : undefined,
      tls: tlsAsked ? { caFile: options.redisTlsCa, certFile: options.redisTlsCert, keyFile: options.redisTlsKey, sni: options.redisTlsSni } : null,
      timeoutMs,
    },
    readPem,
  );
}
