/**
 * The Backups screen's Redis actions through the real handler table, worker
 * and SQLite files, against a real redis-server on loopback (password set):
 * a push with a new Acra master key lays the keystore out as Acra's Redis
 * storage does (wasm-themis opens the entries with Acra's contexts); a second
 * push without Replace is refused and leaves Redis and the key folder as they
 * were; a wrong password is named without being echoed; a pull with the
 * wrong Acra master key, or over a stray entry, names it and writes nothing;
 * the right key brings the same keys back. A TLS server is reached with the
 * CA main's dialog chose. No reply or event carries a key, the password or
 * the TLS client key.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisTargetInput } from '../../shared/ipcAcraRemote.js';
import { connectRedis, type RedisClient } from '../../src-main/core/acra/redis/client.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';
import { fingerprintLines, keepingReplies, madeFolder } from '../helpers/acraFixtures.js';
import { redisUnavailable, startRedisServer, type RedisServer } from '../helpers/redisServer.js';
import { makeTestCa, opensslAvailable } from '../helpers/testCa.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const PASS = 'correct horse battery staple';
const REDIS_PASSWORD = 'redis-pw-3f9a1c77e2';
const unavailable = redisUnavailable();
if (unavailable) console.log(`SKIPPED acra Redis IPC tests: ${unavailable}`);

let h: Harness;
let server: RedisServer;
let redis: RedisClient;
const replies: string[] = [];
const keyTexts: string[] = [];
const secrets: string[] = [REDIS_PASSWORD];

const raw = keepingReplies((channel: 'acra:redisPush' | 'acra:redisPull', payload: unknown) => h.raw(channel, payload), replies);

const folder = (name: string) => madeFolder(h.dir, name);

const target = (overrides: Partial<RedisTargetInput> = {}): RedisTargetInput => ({ host: '127.0.0.1', port: server.port, db: 3, keysDir: '.acrakeys', password: REDIS_PASSWORD, tls: null, ...overrides });
const selection = { clientIds: ['billing-svc'], zoneIds: [], global: true };
const b64 = (v: unknown) => Buffer.from(Buffer.from(v as Uint8Array).toString('latin1'), 'base64');
const redisKeys = async () => ((await redis.command('KEYS', '*')) as Uint8Array[]).map((k) => Buffer.from(k).toString()).sort();
const redisDump = async () => Promise.all((await redisKeys()).map(async (k) => `${k}=${Buffer.from((await redis.command('GET', k)) as Uint8Array).toString()}`));

describe.skipIf(unavailable !== null)('Redis push and pull through IPC', () => {
  let sourceKeys: Array<{ name: string; version: number; fingerprint: string; state: string }>;
  let pushedKeys: Array<{ name: string; version: number; fingerprint: string }>;

  beforeAll(async () => {
    server = await startRedisServer({ password: REDIS_PASSWORD });
    redis = await connectRedis({ host: server.host, port: server.port, db: 3, password: REDIS_PASSWORD });
    h = startHarness({ suite: true });
    await h.ok('vault:create', { name: 'acra-redis-source', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    await h.ok('keys:generate', { scope: 'global' });
    await h.ok('keys:rotate', { name: 'billing-svc_storage' });
    sourceKeys = (await h.ok('keys:list', { allVersions: true })).keys;
  }, 60_000);

  afterAll(async () => {
    redis?.close();
    await server?.stop();
    await h?.close();
  });

  it("push writes the keystore under <keys dir>/ as Acra's Redis storage does, with a new Acra master key saved 0600", async () => {
    const keyDir = folder('acra-key');
    h.folderChoices.push({ purpose: 'acra-master-key-out', path: keyDir });
    const before = h.events.length;
    const result = await raw('acra:redisPush', { redis: target(), selection, masterKey: 'new', replace: false });
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const value = result.value as { redis: string; files: number; versions: number; keys: Array<{ name: string; version: number; fingerprint: string }>; acraMasterKeyFile: string; acraServerFlags: string[] };
    pushedKeys = value.keys;
    // Every version pushed is one of the source vault's, with its fingerprint.
    expect(fingerprintLines(sourceKeys)).toEqual(expect.arrayContaining(fingerprintLines(pushedKeys)));
    expect(value.versions).toBe(pushedKeys.length);
    expect(value.redis).toBe(`redis://127.0.0.1:${server.port}/3`);
    expect(value.acraServerFlags).toEqual([`--redis_host_port=127.0.0.1:${server.port}`, '--redis_db_keys=3', '--keys_dir=.acrakeys']);
    const names = await redisKeys();
    expect(value.files).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['.acrakeys/billing-svc_storage', '.acrakeys/billing-svc_storage.pub', '.acrakeys/billing-svc_hmac', '.acrakeys/.poison_key/poison_key_sym']));
    expect(names.some((n) => n.startsWith('.acrakeys/billing-svc_storage.old/'))).toBe(true);
    expect(value.keys.map((k) => k.name)).toContain('billing-svc_storage');
    expect(statSync(value.acraMasterKeyFile).mode & 0o777).toBe(0o600);
    keyTexts.push(readFileSync(value.acraMasterKeyFile, 'latin1').trim());
    // Themis itself opens what the screen put in Redis, with Acra's master key and contexts.
    const cell = (await wasmThemis()).SecureCellSeal.withKey(Buffer.from(keyTexts[0]!, 'base64'));
    expect(new Uint8Array(cell.decrypt(b64(await redis.command('GET', '.acrakeys/billing-svc_hmac')), Buffer.from('billing-svc'))).length).toBe(32);
    expect(Buffer.from(cell.decrypt(b64(await redis.command('GET', '.acrakeys/billing-svc_storage')), Buffer.from('billing-svc'))).subarray(0, 4).toString()).toBe('REC2');
    // Progress went out while it worked, and finished.
    const progress = h.events.slice(before).map((e) => e.payload as { task: string; label: string; done: number; total: number });
    expect(progress.some((p) => p.task === 'export' && p.label.includes('Redis') && p.total === 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ task: 'export', done: value.files, total: value.files });
  });

  it('a second push without Replace is refused: Redis keeps its keys and the new key made for it is removed', async () => {
    const before = await redisDump();
    const keyDir = folder('acra-key-2');
    h.folderChoices.push({ purpose: 'acra-master-key-out', path: keyDir });
    const refused = await raw('acra:redisPush', { redis: target(), selection, masterKey: 'new', replace: false });
    expect(refused).toMatchObject({ ok: false, code: 'FILE_EXISTS' });
    if (!refused.ok) expect(refused.message).toContain("tick 'Replace the keys in Redis'");
    expect(await redisDump()).toEqual(before);
    expect(readdirSync(keyDir)).toEqual([]);
  });

  it('a wrong Redis password is REDIS_AUTH_FAILED, never echoed, and no key file is left', async () => {
    const keyDir = folder('acra-key-3');
    const wrong = 'not-the-redis-password-81c2';
    secrets.push(wrong);
    h.folderChoices.push({ purpose: 'acra-master-key-out', path: keyDir });
    // The worker reaches Redis before it saves a new key: a refused login leaves none behind.
    const refused = await raw('acra:redisPush', { redis: target({ password: wrong }), selection, masterKey: 'new', replace: true });
    expect(refused).toMatchObject({ ok: false, code: 'REDIS_AUTH_FAILED' });
    expect(readdirSync(keyDir)).toEqual([]);
  });

  it('pull names a wrong Acra master key and a stray entry, writes nothing, then brings the same keys back', async () => {
    await h.ok('vault:create', { name: 'acra-redis-target', passphrase: PASS, kdf: FAST_KDF });
    const wrong = join(h.dir, 'wrong.key');
    writeFileSync(wrong, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    h.fileChoices.push(wrong);
    expect(await raw('acra:redisPull', { redis: target() })).toMatchObject({ ok: false, code: 'ACRA_WRONG_MASTER_KEY' });
    expect((await h.ok('keys:list', {})).keys).toEqual([]);

    const keyFile = readdirSync(join(h.dir, 'acra-key')).map((f) => join(h.dir, 'acra-key', f))[0]!;
    await redis.command('SET', '.acrakeys/backup-notes.txt', Buffer.from('not a key').toString('base64'));
    h.fileChoices.push(keyFile);
    const stray = await raw('acra:redisPull', { redis: target() });
    expect(stray).toMatchObject({ ok: false, code: 'ACRA_KEYSTORE_MALFORMED' });
    if (!stray.ok) expect(stray.message).toContain('backup-notes.txt');
    expect((await h.ok('keys:list', {})).keys).toEqual([]);
    await redis.command('DEL', '.acrakeys/backup-notes.txt');

    h.fileChoices.push(keyFile);
    const before = h.events.length;
    const result = await raw('acra:redisPull', { redis: target() });
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const value = result.value as { redis: string; files: number; versions: number; keys: Array<{ name: string; version: number; fingerprint: string }> };
    expect(value.redis).toBe(`redis://127.0.0.1:${server.port}/3`);
    expect(value.files).toBe((await redisKeys()).length);
    // Push then pull: the same key versions, with the same fingerprints, now in this vault.
    expect(fingerprintLines(value.keys)).toEqual(fingerprintLines(pushedKeys));
    expect(value.versions).toBe(pushedKeys.length);
    expect(fingerprintLines((await h.ok('keys:list', { allVersions: true })).keys)).toEqual(fingerprintLines(pushedKeys));
    expect(h.events.slice(before).some((e) => (e.payload as { task: string }).task === 'import')).toBe(true);
  });

  it.skipIf(!opensslAvailable())("reaches Redis over TLS with the CA main's dialog chose, and fails without it", async () => {
    const ca = makeTestCa('Custos Redis test CA');
    const dir = folder('redis-tls');
    const files = { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.pem') };
    writeFileSync(files.certFile, ca.serverCert);
    writeFileSync(files.keyFile, ca.serverKey, { mode: 0o600 });
    writeFileSync(files.caFile, ca.caPem);
    const tlsServer = await startRedisServer({ password: REDIS_PASSWORD, tls: files });
    try {
      const tlsTarget = target({ port: tlsServer.tlsPort!, db: 0, tls: { ca: true, clientCert: false } });
      const keyFile = readdirSync(join(h.dir, 'acra-key')).map((f) => join(h.dir, 'acra-key', f))[0]!;
      h.fileChoices.push(files.caFile, keyFile);
      const pushed = await raw('acra:redisPush', { redis: tlsTarget, selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'file', replace: false });
      if (!pushed.ok) throw new Error(`${pushed.code} ${pushed.message}`);
      expect(pushed.value).toMatchObject({ redis: `rediss://127.0.0.1:${tlsServer.tlsPort}/0`, acraMasterKeyFile: null });
      expect((pushed.value as { acraServerFlags: string[] }).acraServerFlags).toContain('--redis_tls_enable');
      expect(h.fileRequests.slice(-2).map((r) => r.purpose)).toEqual(['redis-ca', 'acra-master-key']);
      // Without the CA, the server's certificate is not trusted: the handshake fails, nothing is read.
      h.fileChoices.push(keyFile);
      expect(await raw('acra:redisPull', { redis: target({ port: tlsServer.tlsPort!, db: 0, tls: { ca: false, clientCert: false } }) })).toMatchObject({ ok: false, code: 'REDIS_UNREACHABLE' });
    } finally {
      h.fileChoices.length = 0;
      await tlsServer.stop();
    }
  }, 60_000);

  it('no reply or event carries the Acra master key or the Redis password', () => {
    const key = Buffer.from(keyTexts[0]!, 'base64');
    expect(key.length).toBe(32);
    const everything = [...replies, ...h.events.map((e) => JSON.stringify(e))].join('\n');
    for (const form of [key.toString('base64'), key.toString('hex'), key.toString('base64url'), [...key].join(','), ...secrets]) expect(everything).not.toContain(form);
    expect(replies.length).toBeGreaterThanOrEqual(7);
  });
});
