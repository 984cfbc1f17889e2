import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCustosError } from '../../../../shared/errors.js';
import { connectVault, type VaultConnection } from '../../../../src-main/core/kms/vault/connect.js';
import { kvMasterKeySource, readMasterKeyFromKv, writeMasterKeyToKv } from '../../../../src-main/core/kms/vault/kv.js';
import { startVaultStandIn, type VaultStandIn } from '../../../helpers/vaultStandIn.js';
import { errorCodeOf } from '../../../helpers/errorCode.js';

const TOKEN = 'hvs.kv-test-token';
const at = { path: 'custos/prod', field: 'acra_master_key' };


describe('Vault KV v2 master key (Vault stand-in)', () => {
  let vault: VaultStandIn;
  let conn: VaultConnection;

  beforeEach(async () => {
    vault = await startVaultStandIn();
    vault.addToken(TOKEN);
    conn = await connectVault({ endpoint: vault.url, auth: { method: 'token', token: TOKEN }, allowPlainHttp: true, timeoutMs: 2000 });
  });
  afterEach(() => vault.close());

  it('writes with check-and-set 0 and reads back the same 32 bytes', async () => {
    const masterKey = new Uint8Array(randomBytes(32));
    expect(await writeMasterKeyToKv(conn, at, masterKey)).toEqual({ version: 1 });
    const write = vault.requests.find((r) => r.method === 'POST');
    expect(write).toMatchObject({ path: 'secret/data/custos/prod', body: { options: { cas: 0 }, data: { acra_master_key: Buffer.from(masterKey).toString('base64') } } });
    expect(await readMasterKeyFromKv(conn, at)).toEqual(masterKey);
  });

  it('refuses to write over an existing secret unless told, then keeps its other fields', async () => {
    vault.putKv('custos/prod', { acra_master_key: Buffer.alloc(32, 1).toString('base64'), owner: 'ops' });
    expect(await errorCodeOf(writeMasterKeyToKv(conn, at, new Uint8Array(32).fill(2)))).toBe('VAULT_SECRET_EXISTS');
    expect(vault.kvVersions('custos/prod')).toBe(1);
    expect(await writeMasterKeyToKv(conn, at, new Uint8Array(32).fill(2), { overwrite: true })).toEqual({ version: 2 });
    expect(vault.requests.at(-1)?.body).toMatchObject({ options: { cas: 1 }, data: { owner: 'ops' } });
    expect(await readMasterKeyFromKv(conn, at)).toEqual(new Uint8Array(32).fill(2));
  });

  it('an overwrite that races another writer is refused by check-and-set', async () => {
    vault.putKv('custos/prod', { acra_master_key: Buffer.alloc(32, 1).toString('base64') });
    // Another writer adds version 2 between our read and our write.
    const original = conn.read.bind(conn);
    const racing: VaultConnection = { ...conn, read: async (path, step) => {
      const answer = await original(path, step);
      vault.putKv('custos/prod', { acra_master_key: Buffer.alloc(32, 9).toString('base64') });
      return answer;
    } };
    expect(await errorCodeOf(writeMasterKeyToKv(racing, at, new Uint8Array(32).fill(2), { overwrite: true }))).toBe('VAULT_SECRET_EXISTS');
    expect(await readMasterKeyFromKv(conn, at)).toEqual(new Uint8Array(32).fill(9));
  });

  it('missing secret → VAULT_NOT_FOUND; missing field, non-string, bad base64, wrong length → VAULT_MALFORMED', async () => {
    expect(await errorCodeOf(readMasterKeyFromKv(conn, at))).toBe('VAULT_NOT_FOUND');
    const cases: Array<Record<string, unknown>> = [
      { other: 'x' },
      { acra_master_key: 42 },
      { acra_master_key: 'not base64 at all!' },
      { acra_master_key: Buffer.alloc(31, 1).toString('base64') },
      { acra_master_key: Buffer.alloc(33, 1).toString('base64') },
      { acra_master_key: `${Buffer.alloc(32, 1).toString('base64')}\u0000` },
    ];
    for (const data of cases) {
      vault.putKv('custos/prod', data);
      expect(await errorCodeOf(readMasterKeyFromKv(conn, at)), JSON.stringify(data)).toBe('VAULT_MALFORMED');
    }
  });

  it('answers that are not KV v2 JSON → VAULT_MALFORMED, and the value is never echoed', async () => {
    const secret = Buffer.alloc(32, 7).toString('base64');
    const bodies = ['not json', '{"data": {"acra_master_key": "x"}}', '{"data": {"data": null, "metadata": {"version": 1}}}', `{"data": {"data": {"acra_master_key": "${secret}"}}}`];
    for (const body of bodies) {
      vault.switches.malformed = { path: /^secret\/data\//, status: 200, body };
      try {
        await readMasterKeyFromKv(conn, at);
        expect.unreachable(body);
      } catch (error) {
        expect(isCustosError(error) && error.code, body).toBe('VAULT_MALFORMED');
        expect(String((error as Error).message)).not.toContain(secret);
      }
    }
  });

  it('a write answer without a version → VAULT_MALFORMED; a server error → VAULT_ERROR', async () => {
    vault.switches.malformed = { path: /^secret\/data\//, status: 200, body: '{"data": {}}' };
    expect(await errorCodeOf(writeMasterKeyToKv(conn, at, new Uint8Array(32)))).toBe('VAULT_MALFORMED');
    vault.switches.malformed = { path: /^secret\/data\//, status: 500, body: '{"errors": ["internal error"]}' };
    expect(await errorCodeOf(readMasterKeyFromKv(conn, at))).toBe('VAULT_ERROR');
  });

  it('refuses mounts and paths that are not plain, before any request', async () => {
    const before = vault.requests.length;
    for (const path of ['../sys/seal', 'a//b', 'a?x=1', '', 'a/./b']) {
      expect(await errorCodeOf(readMasterKeyFromKv(conn, { ...at, path })), path).toBe('INVALID_ARGUMENT');
    }
    expect(await errorCodeOf(readMasterKeyFromKv(conn, { ...at, mount: 'sys/../secret' }))).toBe('INVALID_ARGUMENT');
    expect(vault.requests.length).toBe(before);
  });

  it('as a MasterKeySource: describe names the place, never the value', async () => {
    const source = kvMasterKeySource(conn, at);
    await source.write(new Uint8Array(32).fill(5));
    expect(await source.read()).toEqual(new Uint8Array(32).fill(5));
    expect(source.describe()).toEqual({ kind: 'vault-kv', endpoint: vault.url, mount: 'secret', path: 'custos/prod', field: 'acra_master_key' });
  });
});
