import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../../src-main/core/acra/redis/client.js';
import { normaliseKeysDir, readRedisKeystore, writeRedisKeystore } from '../../../src-main/core/acra/redisStorage.js';
import { errorCodeOf, caughtCustosError } from '../../helpers/errorCode.js';
import { redisUnavailable, startRedisServer, type RedisServer } from '../../helpers/redisServer.js';
import { makeTestCa, opensslAvailable } from '../../helpers/testCa.js';
import { tempDir } from '../../helpers/tmp.js';

const unavailable = redisUnavailable();
if (unavailable) console.log(`SKIPPED Redis storage tests: ${unavailable}`);

const text = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v);

describe.skipIf(unavailable !== null)('keystore v1 in a real Redis', () => {
  let server: RedisServer;
  let client: RedisClient;
  beforeAll(async () => {
    server = await startRedisServer({ password: 'redis-pass-1' });
    client = await connectRedis({ host: server.host, port: server.port, db: 3, password: 'redis-pass-1' });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  const files = [
    { name: 'billing_storage_sym', bytes: new Uint8Array(randomBytes(76)) },
    { name: '.poison_key/poison_key_sym', bytes: new Uint8Array(randomBytes(76)) },
    { name: 'billing_hmac.old/2024-01-02T03:04:05.123456789', bytes: Uint8Array.from({ length: 256 }, (_, i) => i) },
  ];

  it("writes each file as Acra's RedisStorage does, and reads the same bytes back", async () => {
    await client.command('FLUSHDB');
    expect(await writeRedisKeystore(client, './.acrakeys/', files)).toEqual({ written: 3, replaced: 0 });
    // Acra's name is filepath.Join(keys_dir, file); the value is base64 of the file's bytes.
    expect(text(await client.command('GET', '.acrakeys/.poison_key/poison_key_sym'))).toBe(Buffer.from(files[1]!.bytes).toString('base64'));
    expect((await client.command('KEYS', '*')) as Uint8Array[]).toHaveLength(3);
    const back = await readRedisKeystore(client, '.acrakeys');
    expect(back.bad).toEqual([]);
    expect(back.files).toEqual([...files].sort((a, b) => (a.name < b.name ? -1 : 1)));
  });

  it('refuses to write over keys already under the folder, and replaces them all only when asked', async () => {
    await client.command('FLUSHDB');
    await client.command('SET', '.acrakeys/stale_storage_sym', 'AAAA');
    await client.command('SET', '.acrakeys-other/keep', 'AAAA');
    expect(await errorCodeOf(writeRedisKeystore(client, '.acrakeys', files))).toBe('FILE_EXISTS');
    expect(text(await client.command('EXISTS', '.acrakeys/billing_storage_sym'))).toBe(0);
    expect(await writeRedisKeystore(client, '.acrakeys', files, { replace: true })).toEqual({ written: 3, replaced: 1 });
    expect(text(await client.command('EXISTS', '.acrakeys/stale_storage_sym'))).toBe(0);
    expect(text(await client.command('EXISTS', '.acrakeys-other/keep'))).toBe(1);
  });

  it('names entries that are not base64 strings, and keeps to its own folder even with glob characters in it', async () => {
    await client.command('FLUSHDB');
    await writeRedisKeystore(client, 'keys[1]*', files.slice(0, 1));
    await client.command('SET', 'keys[1]*/not_base64_storage_sym', '%%%');
    await client.command('HSET', 'keys[1]*/a_hash', 'f', 'v');
    await client.command('SET', 'keys1x/billing_storage_sym', 'AAAA');
    const back = await readRedisKeystore(client, 'keys[1]*');
    expect(back.files.map((f) => f.name)).toEqual(['billing_storage_sym']);
    expect(back.bad).toEqual([
      { name: 'a_hash', problem: 'is not a Redis string' },
      { name: 'not_base64_storage_sym', problem: 'is not standard base64, as Acra stores key files in Redis' },
    ]);
  });

  it('reads thousands of keys through SCAN pages and MGET batches', async () => {
    await client.command('FLUSHDB');
    const many = Array.from({ length: 1500 }, (_, i) => ({ name: `c${i}_hmac`, bytes: new Uint8Array(randomBytes(76)) }));
    await writeRedisKeystore(client, '.acrakeys', many);
    const back = await readRedisKeystore(client, '.acrakeys');
    expect(back.files).toHaveLength(1500);
    expect(back.files.find((f) => f.name === 'c777_hmac')?.bytes).toEqual(many[777]!.bytes);
  });

  it('names a wrong or missing password, and an unreachable server', async () => {
    expect(await errorCodeOf(connectRedis({ host: server.host, port: server.port, db: 0, password: 'wrong' }))).toBe('REDIS_AUTH_FAILED');
    expect(await errorCodeOf(connectRedis({ host: server.host, port: server.port, db: 0 }))).toBe('REDIS_AUTH_FAILED');
    const error = await connectRedis({ host: server.host, port: server.port, db: 0, password: 'wrong' }).catch((e: Error) => e);
    expect(String(error)).not.toContain('wrong');
    expect(await errorCodeOf(connectRedis({ host: '127.0.0.1', port: 1, db: 0 }))).toBe('REDIS_UNREACHABLE');
    expect(await errorCodeOf(connectRedis({ host: server.host, port: server.port, db: 99, password: 'redis-pass-1' }))).toBe('REDIS_ERROR');
  });

  it('refuses keys folders that leave no prefix', () => {
    expect(normaliseKeysDir('./.acrakeys/')).toBe('.acrakeys');
    expect(normaliseKeysDir('/var/lib/acra/keys//')).toBe('/var/lib/acra/keys');
    for (const dir of ['.', '/', './', '..', '../x', '']) expect(caughtCustosError(() => normaliseKeysDir(dir)).code, dir).toBe('INVALID_ARGUMENT');
  });
});

describe.skipIf(unavailable !== null || !opensslAvailable())('Redis over TLS', () => {
  it("connects with the CA given (Acra's --redis_tls_client_ca) and refuses a server it cannot verify", async () => {
    const ca = makeTestCa();
    const dir = tempDir();
    const f = (name: string, body: string) => {
      writeFileSync(join(dir, name), body, { mode: 0o600 });
      return join(dir, name);
    };
    const server = await startRedisServer({ tls: { certFile: f('server.pem', ca.serverCert), keyFile: f('server.key', ca.serverKey), caFile: f('ca.pem', ca.caPem) } });
    try {
      const port = server.tlsPort!;
      const client = await connectRedis({ host: '127.0.0.1', port, db: 0, tls: { ca: ca.caPem } });
      await writeRedisKeystore(client, '.acrakeys', [{ name: 'x_hmac', bytes: Uint8Array.of(1, 2, 3) }]);
      expect((await readRedisKeystore(client, '.acrakeys')).files).toEqual([{ name: 'x_hmac', bytes: Uint8Array.of(1, 2, 3) }]);
      client.close();
      expect(await errorCodeOf(connectRedis({ host: '127.0.0.1', port, db: 0, tls: {} }))).toBe('REDIS_UNREACHABLE');
      expect(await errorCodeOf(connectRedis({ host: '127.0.0.1', port, db: 0, tls: { ca: ca.caPem, servername: 'elsewhere.example' } }))).toBe('REDIS_UNREACHABLE');
    } finally {
      await server.stop();
    }
  });
});
