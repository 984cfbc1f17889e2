import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCustosError } from '../../../../shared/errors.js';
import { connectVault, type VaultConnectionOptions } from '../../../../src-main/core/kms/vault/connect.js';
import { readMasterKeyFromKv } from '../../../../src-main/core/kms/vault/kv.js';
import { startVaultStandIn, type VaultStandIn } from '../../../helpers/vaultStandIn.js';

const require = createRequire(import.meta.url);
const TOKEN = 'hvs.stand-in-root-token-XYZ';
const ROLE_ID = 'role-5f1c';
const SECRET_ID = 'secret-id-DO-NOT-LEAK-77';
const KEY_B64 = Buffer.alloc(32, 0x42).toString('base64');

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isCustosError(error)) return { code: error.code, message: error.message };
    return { code: `not a CustosError: ${String(error)}`, message: '' };
  }
  return { code: 'no error', message: '' };
}

describe('Vault connection against the Vault stand-in (real HTTP on 127.0.0.1)', () => {
  let vault: VaultStandIn;
  let base: VaultConnectionOptions;

  beforeEach(async () => {
    vault = await startVaultStandIn();
    vault.addToken(TOKEN);
    vault.addAppRole(ROLE_ID, SECRET_ID, ['secret/data/custos/']);
    vault.putKv('custos/master', { acra_master_key: KEY_B64 });
    base = { endpoint: vault.url, auth: { method: 'token', token: TOKEN }, allowPlainHttp: true, timeoutMs: 2000 };
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await vault.close();
  });

  it('token auth: checks sys/health first, then sends the token in X-Vault-Token', async () => {
    const conn = await connectVault(base);
    expect(await readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' })).toEqual(new Uint8Array(32).fill(0x42));
    expect(vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET sys/health', 'GET secret/data/custos/master']);
    expect(vault.requests[1]?.token).toBe(TOKEN);
  });

  it('AppRole: logs in with role_id and secret_id and uses the issued client token', async () => {
    const conn = await connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } });
    expect(await readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' })).toHaveLength(32);
    const [health, login, read] = vault.requests;
    expect(health?.path).toBe('sys/health');
    expect(login).toMatchObject({ method: 'POST', path: 'auth/approle/login', body: { role_id: ROLE_ID, secret_id: SECRET_ID } });
    expect(read?.token).toMatch(/^hvs\./);
    expect(read?.token).not.toBe(TOKEN);
    // The AppRole token is scoped to secret/data/custos/: elsewhere Vault says 403.
    expect((await failure(readMasterKeyFromKv(conn, { mount: 'secret', path: 'other/x', field: 'f' }))).code).toBe('VAULT_FORBIDDEN');
  });

  it('a wrong secret_id → VAULT_AUTH_FAILED, without the secret_id in the message', async () => {
    const result = await failure(connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: 'wrong-secret-id-31337' } }));
    expect(result.code).toBe('VAULT_AUTH_FAILED');
    expect(result.message).not.toContain('31337');
  });

  it('an unknown token → 403 → VAULT_FORBIDDEN, and neither token appears in the message', async () => {
    const conn = await connectVault({ ...base, auth: { method: 'token', token: 'hvs.not-a-real-token-9999' } });
    const result = await failure(readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' }));
    expect(result.code).toBe('VAULT_FORBIDDEN');
    expect(result.message).toContain('permission denied');
    expect(result.message).not.toContain('9999');
    expect(result.message).not.toContain(TOKEN);
  });

  it('a sealed Vault (503 on sys/health) → VAULT_SEALED before any credential is sent', async () => {
    vault.switches.sealed = true;
    expect((await failure(connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } }))).code).toBe('VAULT_SEALED');
    expect(vault.requests.map((r) => r.path)).toEqual(['sys/health']);
    vault.switches.sealed = false;
    vault.switches.initialized = false;
    expect((await failure(connectVault(base))).code).toBe('VAULT_SEALED');
  });

  it('sealed after connecting: a request answered 503 "Vault is sealed" → VAULT_SEALED', async () => {
    const conn = await connectVault(base);
    vault.switches.sealed = true;
    expect((await failure(readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' }))).code).toBe('VAULT_SEALED');
  });

  it('a slow Vault → VAULT_TIMEOUT within the configured timeout', async () => {
    vault.switches.delayMs = 1500;
    const started = Date.now();
    expect((await failure(connectVault({ ...base, timeoutMs: 200 }))).code).toBe('VAULT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('nothing listening → VAULT_UNREACHABLE', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    expect((await failure(connectVault({ ...base, endpoint: `http://127.0.0.1:${port}` }))).code).toBe('VAULT_UNREACHABLE');
  });

  it('a health answer that is not Vault JSON → VAULT_MALFORMED', async () => {
    vault.switches.malformed = { path: /^sys\/health$/, status: 200, body: '<html>proxy login</html>' };
    expect((await failure(connectVault(base))).code).toBe('VAULT_MALFORMED');
    vault.switches.malformed = { path: /^sys\/health$/, status: 200, body: '{"initialized": true}' };
    expect((await failure(connectVault(base))).code).toBe('VAULT_MALFORMED');
  });

  it('a login answer without a client token → VAULT_MALFORMED', async () => {
    vault.switches.malformed = { path: /^auth\/approle\/login$/, status: 200, body: '{"auth": {"client_token": ""}}' };
    expect((await failure(connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } }))).code).toBe('VAULT_MALFORMED');
  });

  it('refuses plain http unless allowed by name, and addresses with paths or credentials', async () => {
    expect((await failure(connectVault({ ...base, allowPlainHttp: false }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(connectVault({ ...base, endpoint: `${vault.url}/v1` }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(connectVault({ ...base, endpoint: vault.url.replace('//', '//user:pw@') }))).code).toBe('INVALID_ARGUMENT');
    expect(vault.requests).toHaveLength(0);
  });

  it('ignores VAULT_TOKEN, VAULT_ADDR and VAULT_PREFIX from the environment', async () => {
    vault.addToken('hvs.ambient-env-token');
    vi.stubEnv('VAULT_TOKEN', 'hvs.ambient-env-token');
    vi.stubEnv('VAULT_ADDR', 'http://127.0.0.1:1');
    vi.stubEnv('VAULT_PREFIX', '/evil');
    const conn = await connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } });
    await readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' });
    const login = vault.requests.find((r) => r.path === 'auth/approle/login');
    expect(login?.token).toBeUndefined();
    expect(vault.requests.every((r) => !r.path.includes('evil'))).toBe(true);
  });

  it('close() forgets the token: later calls are refused by Vault', async () => {
    const conn = await connectVault(base);
    conn.close();
    expect((await failure(readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' }))).code).toBe('VAULT_FORBIDDEN');
    expect(vault.requests.at(-1)?.token).toBeUndefined();
  });

  it('writes nothing to stdout or stderr, even with node-vault debug output switched on', async () => {
    // The same `debug` instance node-vault required; enabling it makes node-vault's own logger print request bodies.
    const debug = createRequire(require.resolve('node-vault'))('debug') as { enable(ns: string): void; disable(): string };
    debug.enable('node-vault');
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    try {
      const conn = await connectVault({ ...base, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } });
      await readMasterKeyFromKv(conn, { path: 'custos/master', field: 'acra_master_key' });
      await failure(readMasterKeyFromKv(conn, { path: 'nope', field: 'x' }));
      const written = [...out.mock.calls, ...err.mock.calls].map((c) => String(c[0])).join('');
      expect(written).not.toContain(SECRET_ID);
      expect(written).not.toContain(KEY_B64);
    } finally {
      debug.disable();
      out.mockRestore();
      err.mockRestore();
    }
  });
});
