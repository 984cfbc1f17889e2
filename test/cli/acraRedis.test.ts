import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../src-main/core/acra/redis/client.js';
import { acraKeymakerFolder } from '../core/acra/acraFolder.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';
import { redisUnavailable, startRedisServer, type RedisServer } from '../helpers/redisServer.js';
import { expectJsonError, expectOk, initVault, json, keyVersionLines, snapshot, type CliVault } from './fixtures.js';

const unavailable = redisUnavailable();
if (unavailable) console.log(`SKIPPED acra push/pull tests: ${unavailable}`);

const PASSWORD = 'acra-redis-pw';
const acraKey = Buffer.alloc(32, 7).toString('base64');
const b64 = (v: unknown) => Buffer.from(Buffer.from(v as Uint8Array).toString('latin1'), 'base64');

describe.skipIf(unavailable !== null)('custos acra push / pull with a real redis-server', () => {
  let server: RedisServer;
  let redis: RedisClient;
  let passwordFile: string;
  beforeAll(async () => {
    server = await startRedisServer({ password: PASSWORD });
    redis = await connectRedis({ host: server.host, port: server.port, db: 2, password: PASSWORD });
  });
  afterAll(async () => {
    redis?.close();
    await server?.stop();
  });

  async function vaultWithKeys(): Promise<CliVault> {
    const v = await initVault();
    passwordFile = join(v.dir, 'redis.pass');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing', '--purpose', 'storage', '--purpose', 'storage-sym', '--purpose', 'hmac']));
    expectOk(await v.run(['keys', 'generate', '--global', '--purpose', 'poison', '--purpose', 'poison-sym', '--purpose', 'secure-log']));
    expectOk(await v.run(['keys', 'rotate', 'billing_storage']));
    return v;
  }
  const redisArgs = () => ['--redis', server.url(2), '--redis-password-file', passwordFile];
  const keys = async () => ((await redis.command('KEYS', '*')) as Uint8Array[]).map((k) => Buffer.from(k).toString()).sort();

  it("push lays the keystore out as Acra's Redis storage does, each file sealed as Acra reads it; pull brings the same keys back", async () => {
    await redis.command('FLUSHDB');
    const v = await vaultWithKeys();
    const pushed = json<{ files: number; keysDir: string }>(expectOk(await v.run(['acra', 'push', ...redisArgs(), '--client-id', 'billing', '--global', '--json'], { ACRA_MASTER_KEY: acraKey })));
    expect(pushed).toMatchObject({ files: 10, keysDir: '.acrakeys' });
    const names = await keys();
    expect(names.filter((n) => !n.includes('.old/'))).toEqual(
      ['.acrakeys/.poison_key/poison_key', '.acrakeys/.poison_key/poison_key.pub', '.acrakeys/.poison_key/poison_key_sym', '.acrakeys/billing_hmac', '.acrakeys/billing_storage', '.acrakeys/billing_storage.pub', '.acrakeys/billing_storage_sym', '.acrakeys/secure_log_key'].sort(),
    );
    expect(names.filter((n) => n.includes('.old/'))).toHaveLength(2);
    // Themis itself opens what Custos put in Redis, with Acra's master key and contexts.
    const themis = await wasmThemis();
    const cell = themis.SecureCellSeal.withKey(Buffer.from(acraKey, 'base64'));
    expect(cell.decrypt(b64(await redis.command('GET', '.acrakeys/billing_storage_sym')), Buffer.from('billing'))).toHaveLength(32);
    expect(cell.decrypt(b64(await redis.command('GET', '.acrakeys/.poison_key/poison_key_sym')), Buffer.from('.poison_key/poison_key_sym'))).toHaveLength(32);
    expect(b64(await redis.command('GET', '.acrakeys/billing_storage.pub')).subarray(0, 4).toString()).toBe('UEC2');

    const fresh = await initVault();
    const pulled = json<{ versions: number }>(expectOk(await fresh.run(['acra', 'pull', ...redisArgs(), '--json'], { ACRA_MASTER_KEY: acraKey })));
    expect(pulled.versions).toBe(7);
    expect(await keyVersionLines(fresh)).toEqual((await keyVersionLines(v)).filter((line) => !line.includes(' destroyed ')));
  });

  it('pull --out writes the checked files as a keystore v1 folder, which acra import then reads', async () => {
    await redis.command('FLUSHDB');
    const v = await vaultWithKeys();
    expectOk(await v.run(['acra', 'push', ...redisArgs(), '--client-id', 'billing', '--global'], { ACRA_MASTER_KEY: acraKey }));
    const out = join(v.dir, 'pulled-keys');
    expectOk(await v.run(['acra', 'pull', ...redisArgs(), '--out', out], { ACRA_MASTER_KEY: acraKey }));
    const names = (await keys()).map((k) => k.slice('.acrakeys/'.length));
    expect(readdirSync(out, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => relative(out, join(d.parentPath, d.name))).sort()).toEqual(names);
    expect(readFileSync(join(out, 'billing_hmac'))).toEqual(b64(await redis.command('GET', '.acrakeys/billing_hmac')));
    expect(statSync(join(out, 'billing_hmac')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'billing_storage.pub')).mode & 0o777).toBe(0o644);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expectJsonError(await v.run(['acra', 'pull', ...redisArgs(), '--out', out, '--json'], { ACRA_MASTER_KEY: acraKey }), 'FILE_EXISTS');
    const fresh = await initVault();
    expectOk(await fresh.run(['acra', 'import', '--from', out], { ACRA_MASTER_KEY: acraKey }));
    expect(await keyVersionLines(fresh)).toEqual(await keyVersionLines(v));
  });

  it('push refuses keys already under the prefix (Redis unchanged) and replaces them all with --force', async () => {
    await redis.command('FLUSHDB');
    await redis.command('SET', '.acrakeys/old_storage_sym', 'AAAA');
    const v = await vaultWithKeys();
    expect(expectJsonError(await v.run(['acra', 'push', ...redisArgs(), '--client-id', 'billing', '--json'], { ACRA_MASTER_KEY: acraKey }), 'FILE_EXISTS')).toContain('.acrakeys/old_storage_sym');
    expect(await keys()).toEqual(['.acrakeys/old_storage_sym']);
    expectOk(await v.run(['acra', 'push', ...redisArgs(), '--client-id', 'billing', '--keys-dir', './.acrakeys/', '--force'], { ACRA_MASTER_KEY: acraKey }));
    expect(await keys()).not.toContain('.acrakeys/old_storage_sym');
    expect(await keys()).toContain('.acrakeys/billing_hmac');
  });

  it('pull reads a keystore that Themis sealed as acra-keymaker does, put in Redis as Acra does', async () => {
    await redis.command('FLUSHDB');
    const v = await initVault();
    const { files } = await acraKeymakerFolder(join(v.dir, 'keymaker'), Buffer.from(acraKey, 'base64'), 'orders');
    for (const file of files) await redis.command('SET', `/var/lib/acra/keys/${file.path}`, Buffer.from(file.bytes).toString('base64'));
    passwordFile = join(v.dir, 'redis.pass');
    writeFileSync(passwordFile, PASSWORD);
    const report = json<{ versions: number }>(expectOk(await v.run(['acra', 'pull', ...redisArgs(), '--keys-dir', '/var/lib/acra/keys', '--json'], { ACRA_MASTER_KEY: acraKey })));
    expect(report.versions).toBe(8);
  });

  it('names each bad entry (stray key, not base64, swapped value, wrong master key) and writes nothing', async () => {
    const source = await vaultWithKeys();
    const target = await initVault();
    const reset = async () => {
      await redis.command('FLUSHDB');
      expectOk(await source.run(['acra', 'push', ...redisArgs(), '--client-id', 'billing', '--global'], { ACRA_MASTER_KEY: acraKey }));
    };
    const before = snapshot(target.path);
    const pull = (env = { ACRA_MASTER_KEY: acraKey }) => target.run(['acra', 'pull', ...redisArgs(), '--json'], env);

    await reset();
    await redis.command('SET', '.acrakeys/notes.txt', Buffer.from('hello').toString('base64'));
    expect(expectJsonError(await pull(), 'ACRA_KEYSTORE_MALFORMED')).toContain('notes.txt');

    await reset();
    await redis.command('SET', '.acrakeys/billing_hmac', '%not base64%');
    expect(expectJsonError(await pull(), 'ACRA_KEYSTORE_MALFORMED')).toContain('.acrakeys/billing_hmac in Redis is not standard base64');

    await reset();
    // Another key's file under this name: it was sealed with another context, so it does not open here.
    await redis.command('SET', '.acrakeys/billing_hmac', (await redis.command('GET', '.acrakeys/secure_log_key')) as Uint8Array);
    expect(expectJsonError(await pull(), 'ACRA_KEY_UNREADABLE')).toContain('billing_hmac');

    await reset();
    expectJsonError(await pull({ ACRA_MASTER_KEY: Buffer.from(randomBytes(32)).toString('base64') }), 'ACRA_WRONG_MASTER_KEY');

    await redis.command('FLUSHDB');
    expectJsonError(await pull(), 'KEY_NOT_FOUND');
    expect(snapshot(target.path)).toEqual(before);
  });

  it('push refuses an X25519 key by name and leaves Redis as it was', async () => {
    await redis.command('FLUSHDB');
    const v = await vaultWithKeys();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'legacy', '--purpose', 'storage', '--key-type', 'x25519']));
    expect(expectJsonError(await v.run(['acra', 'push', ...redisArgs(), '--client-id', 'legacy', '--client-id', 'billing', '--json'], { ACRA_MASTER_KEY: acraKey }), 'ACRA_KEY_UNSUPPORTED')).toContain('legacy_storage');
    expect(await keys()).toEqual([]);
  });

  it('names a wrong Redis password and a password put in the URL, before the vault is opened', async () => {
    const v = await vaultWithKeys();
    const wrong = join(v.dir, 'wrong.pass');
    writeFileSync(wrong, 'nope');
    const before = snapshot(v.path);
    expect(expectJsonError(await v.run(['acra', 'push', '--redis', server.url(2), '--redis-password-file', wrong, '--global', '--json'], { ACRA_MASTER_KEY: acraKey }), 'REDIS_AUTH_FAILED')).not.toContain('nope');
    expectJsonError(await v.run(['acra', 'pull', '--redis', `redis://:${PASSWORD}@127.0.0.1:${server.port}/2`, '--json'], { ACRA_MASTER_KEY: acraKey }), 'INVALID_ARGUMENT', 2);
    expect(snapshot(v.path)).toEqual(before);
  });
});
