import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishAcraMasterKey } from '../../../src-main/core/acra/vaultPublish.js';
import { connectVault, type VaultConnection } from '../../../src-main/core/kms/vault/connect.js';
import { errorCodeOf } from '../../helpers/errorCode.js';
import { startVaultStandIn, type VaultStandIn } from '../../helpers/vaultStandIn.js';

/**
 * What AcraServer does with --keystore_encryption_type=vault_master_key
 * (keystore/keyloader/hashicorp/vault_loader.go), written from its source for
 * this test over plain HTTP: list mounts, pick the mount by the path's first
 * segment, read <mount>/data/<rest> (v2) or the path (v1), take acra_master_key.
 */
async function acraLoadsMasterKey(url: string, token: string, secretsPath: string): Promise<string> {
  const get = async (path: string) => {
    const res = await fetch(`${url}/v1/${path}`, { headers: { 'X-Vault-Token': token } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as { data: Record<string, unknown> };
  };
  const mounts = (await get('sys/internal/ui/mounts')).data['secret'] as Record<string, { type: string; options: { version?: string } | null }>;
  const segments = secretsPath.split('/');
  const [name, info] = Object.entries(mounts).find(([n]) => n.replace(/^\/|\/$/g, '') === segments[0])!;
  expect(info.type).toBe('kv');
  const v2 = info.options !== null && info.options.version === '2';
  const secret = await get(v2 ? [name.replace(/\/$/, ''), 'data', ...segments.slice(1)].join('/') : secretsPath);
  const fields = v2 ? (secret.data['data'] as Record<string, unknown>) : secret.data;
  return fields['acra_master_key'] as string;
}

describe('acra vault-publish (core) against the Vault stand-in', () => {
  let standIn: VaultStandIn;
  let vault: VaultConnection;
  beforeEach(async () => {
    standIn = await startVaultStandIn();
    standIn.addToken('root-token');
    vault = await connectVault({ endpoint: standIn.url, auth: { method: 'token', token: 'root-token' }, allowPlainHttp: true });
  });
  afterEach(async () => {
    vault.close();
    await standIn.close();
  });

  it('writes acra_master_key on KV v2 where Acra reads it, keeping the other fields', async () => {
    const key = new Uint8Array(randomBytes(32));
    standIn.putKv('acra/prod', { owner: 'ops' });
    const report = await publishAcraMasterKey(vault, 'secret/acra/prod', key);
    expect(report).toMatchObject({ kvVersion: 2, writtenPath: 'secret/data/acra/prod', secretVersion: 2, replaced: false });
    expect(standIn.kvData('secret', 'acra/prod')).toEqual({ owner: 'ops', acra_master_key: Buffer.from(key).toString('base64') });
    expect(await acraLoadsMasterKey(standIn.url, 'root-token', 'secret/acra/prod')).toBe(Buffer.from(key).toString('base64'));
    expect(standIn.requests.some((r) => r.path === 'sys/internal/ui/mounts')).toBe(true);
  });

  it('writes on KV v1 mounts (options null or version "1") at the path itself', async () => {
    standIn.addMount('kv1/', { type: 'kv', options: null });
    standIn.addMount('legacy/', { type: 'kv', options: { version: '1' } });
    const key = new Uint8Array(randomBytes(48));
    for (const path of ['kv1/acra', 'legacy/team/acra']) {
      const report = await publishAcraMasterKey(vault, path, key);
      expect(report).toMatchObject({ kvVersion: 1, writtenPath: path, replaced: false });
      expect(report.secretVersion).toBeUndefined();
      expect(standIn.kv1.get(path)).toEqual({ acra_master_key: Buffer.from(key).toString('base64') });
      expect(await acraLoadsMasterKey(standIn.url, 'root-token', path)).toBe(Buffer.from(key).toString('base64'));
    }
  });

  it('refuses to replace an existing acra_master_key unless asked, then replaces it', async () => {
    standIn.addMount('kv1/', { type: 'kv', options: null });
    const first = new Uint8Array(randomBytes(32));
    const second = new Uint8Array(randomBytes(32));
    await publishAcraMasterKey(vault, 'secret/acra', first);
    await publishAcraMasterKey(vault, 'kv1/acra', first);
    expect(await errorCodeOf(publishAcraMasterKey(vault, 'secret/acra', second))).toBe('VAULT_SECRET_EXISTS');
    expect(await errorCodeOf(publishAcraMasterKey(vault, 'kv1/acra', second))).toBe('VAULT_SECRET_EXISTS');
    expect(standIn.kvVersions('acra')).toBe(1);
    expect(standIn.kv1.get('kv1/acra')?.['acra_master_key']).toBe(Buffer.from(first).toString('base64'));
    expect(await publishAcraMasterKey(vault, 'secret/acra', second, { overwrite: true })).toMatchObject({ replaced: true, secretVersion: 2 });
    expect(await publishAcraMasterKey(vault, 'kv1/acra', second, { overwrite: true })).toMatchObject({ replaced: true });
    expect(await acraLoadsMasterKey(standIn.url, 'root-token', 'kv1/acra')).toBe(Buffer.from(second).toString('base64'));
  });

  it('refuses what Acra could not read, writing nothing', async () => {
    const key = new Uint8Array(32).fill(1);
    const cases: Array<[string, string]> = [
      ['nowhere/acra', 'VAULT_NOT_FOUND'],
      ['transit/acra', 'VAULT_NOT_FOUND'],
      ['secret', 'INVALID_ARGUMENT'],
      ['secret/../x', 'INVALID_ARGUMENT'],
    ];
    for (const [path, code] of cases) expect(await errorCodeOf(publishAcraMasterKey(vault, path, key)), path).toBe(code);
    expect(await errorCodeOf(publishAcraMasterKey(vault, 'secret/acra', new Uint8Array(31)))).toBe('ACRA_MASTER_KEY_MALFORMED');
    standIn.addMount('odd/', { type: 'kv', options: { other: 'x' } });
    expect(await errorCodeOf(publishAcraMasterKey(vault, 'odd/acra', key))).toBe('VAULT_MALFORMED');
    expect(standIn.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('names a token without access to the secret', async () => {
    standIn.addToken('narrow', ['secret/data/other']);
    const narrow = await connectVault({ endpoint: standIn.url, auth: { method: 'token', token: 'narrow' }, allowPlainHttp: true });
    expect(await errorCodeOf(publishAcraMasterKey(narrow, 'secret/acra', new Uint8Array(32)))).toBe('VAULT_FORBIDDEN');
    narrow.close();
    expect(standIn.kvVersions('acra')).toBe(0);
  });
});
