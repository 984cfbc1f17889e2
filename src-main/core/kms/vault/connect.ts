import { z } from 'zod';
import { CustosError } from '../../../../shared/errors.js';
import { malformed, toVaultError, type VaultStep } from './errors.js';
import { createVaultHttp, type VaultHttp } from './nodeVault.js';

export type VaultAuth =
  | { method: 'token'; token: string }
  | { method: 'approle'; roleId: string; secretId: string; /** Where AppRole is mounted; default "approle". */ mount?: string };

export interface VaultConnectionOptions {
  /** https://host:8200 (no /v1). */
  endpoint: string;
  auth: VaultAuth;
  /** PEM of a private CA for Vault's certificate (the system roots are not used then). */
  caPem?: string;
  /** Per request, and for the whole of each call; default 10 s. */
  timeoutMs?: number;
  /** Vault Enterprise namespace. */
  namespace?: string;
  /**
   * Plain http:// sends the token and the key in clear text. Refused unless
   * this named switch is set (a dev server, a test stand-in on loopback).
   */
  allowPlainHttp?: boolean;
}

/** An authenticated connection. It never exposes the token. */
export interface VaultConnection {
  readonly endpoint: string;
  read(path: string, step: VaultStep): Promise<unknown>;
  write(path: string, body: Record<string, unknown>, step: VaultStep): Promise<unknown>;
  /** Forgets the token. Further calls fail with VAULT_FORBIDDEN. */
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const MOUNT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Mounts and paths become URL segments: no empty, dot or dot-dot segment, no query, nothing to escape. */
export function checkVaultPath(value: string, what: string): string {
  if (!MOUNT.test(value) || value.split('/').some((s) => s === '.' || s === '..')) {
    throw new CustosError('INVALID_ARGUMENT', `${what} "${value}" is not a plain Vault path (letters, digits, . _ - and /)`);
  }
  return value;
}

function normaliseEndpoint(options: VaultConnectionOptions): string {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new CustosError('INVALID_ARGUMENT', 'the Vault address is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CustosError('INVALID_ARGUMENT', 'the Vault address must be https:// (or http:// when explicitly allowed)');
  if (url.protocol === 'http:' && options.allowPlainHttp !== true) {
    throw new CustosError('INVALID_ARGUMENT', `refusing plain http:// to Vault at ${url.host}: the token and key would cross the network unencrypted`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new CustosError('INVALID_ARGUMENT', 'the Vault address is scheme://host:port only');
  }
  return `${url.protocol}//${url.host}`;
}

/** A call that never outlives the timeout, even if the server trickles bytes forever. */
async function deadline<T>(promise: Promise<T>, ms: number, step: VaultStep, endpoint: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CustosError('VAULT_TIMEOUT', `Vault ${step} at ${endpoint} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } catch (error) {
    throw toVaultError(error, step, endpoint);
  } finally {
    clearTimeout(timer);
  }
}

const Health = z.object({ initialized: z.boolean(), sealed: z.boolean() });
const Login = z.object({ auth: z.object({ client_token: z.string().min(1) }) });

async function checkHealth(http: VaultHttp, endpoint: string, ms: number): Promise<void> {
  const parsed = Health.safeParse(await deadline(http.health(), ms, 'health', endpoint));
  if (!parsed.success) throw malformed('health', endpoint, 'sys/health did not answer with initialized and sealed');
  if (!parsed.data.initialized) throw new CustosError('VAULT_SEALED', `Vault at ${endpoint} is not initialised`);
  if (parsed.data.sealed) throw new CustosError('VAULT_SEALED', `Vault at ${endpoint} is sealed; unseal it and try again`);
}

/**
 * Checks sys/health (a sealed Vault stops here with VAULT_SEALED), then
 * authenticates. Token auth is checked by the first real request; AppRole
 * logs in now and keeps the client token in the connection only.
 */
export async function connectVault(options: VaultConnectionOptions): Promise<VaultConnection> {
  const endpoint = normaliseEndpoint(options);
  const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms <= 0) throw new CustosError('INVALID_ARGUMENT', 'the Vault timeout is a positive number of milliseconds');
  const auth = options.auth;
  if (auth.method === 'token' && auth.token.length === 0) throw new CustosError('INVALID_ARGUMENT', 'the Vault token is empty');
  if (auth.method === 'approle' && (auth.roleId.length === 0 || auth.secretId.length === 0)) throw new CustosError('INVALID_ARGUMENT', 'AppRole needs a role_id and a secret_id');
  const http = createVaultHttp({
    endpoint,
    token: auth.method === 'token' ? auth.token : undefined,
    namespace: options.namespace,
    caPem: options.caPem,
    timeoutMs: ms,
  });
  try {
    await checkHealth(http, endpoint, ms);
    if (auth.method === 'approle') {
      const mount = checkVaultPath(auth.mount ?? 'approle', 'the AppRole mount');
      // node-vault keeps auth.client_token from this answer as its token.
      const login = Login.safeParse(await deadline(http.approleLogin(mount, auth.roleId, auth.secretId), ms, 'login', endpoint));
      if (!login.success) throw malformed('login', endpoint, 'the AppRole login answer has no client token');
    }
  } catch (error) {
    http.forgetToken();
    throw error;
  }
  return {
    endpoint,
    read: (path, step) => deadline(http.read(path), ms, step, endpoint),
    write: (path, body, step) => deadline(http.write(path, body), ms, step, endpoint),
    close: () => http.forgetToken(),
  };
}
