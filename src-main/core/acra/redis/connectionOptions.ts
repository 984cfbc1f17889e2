/**
 * From typed Redis settings (the CLI's --redis-* options, the Backups
 * screen's fields and dialogs) to the options connectRedis takes, in one
 * place so that `custos acra push|pull` and the app reach Redis alike.
 * Reading a TLS file is the caller's: the CLI reads what the person named,
 * while the app also checks that a file its dialog returned is a small PEM.
 */
import type { RedisOptions } from './client.js';

export interface RedisConnectionSettings {
  host: string;
  port: number;
  /** Database number (Acra's --redis_db_keys). */
  db: number;
  username?: string | undefined;
  password?: string | undefined;
  /** Null for plain TCP; otherwise the PEM files by path and the name expected in Redis's certificate. */
  tls: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined; sni?: string | undefined } | null;
  timeoutMs?: number | undefined;
}

/** Returns a PEM file's text, or throws a CustosError naming `what` and the path. */
export type PemReader = (path: string, what: string) => string;

/** Absent or empty settings are left out, so connectRedis applies its own defaults (no AUTH, system CAs, the host as SNI, 10 s). */
export function redisConnectionOptions(settings: RedisConnectionSettings, readPem: PemReader): RedisOptions {
  const { tls } = settings;
  return {
    host: settings.host,
    port: settings.port,
    db: settings.db,
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(tls
      ? {
          tls: {
            ...(tls.caFile ? { ca: readPem(tls.caFile, 'Redis CA file') } : {}),
            ...(tls.certFile ? { cert: readPem(tls.certFile, 'Redis client certificate') } : {}),
            ...(tls.keyFile ? { key: readPem(tls.keyFile, 'Redis client key') } : {}),
            ...(tls.sni ? { servername: tls.sni } : {}),
          },
        }
      : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
  };
}
