/**
 * The Backups screen's Acra Redis and acra-keys bundle panels in Chromium,
 * with a real redis-server on loopback: a bundle export to the files main's
 * save dialogs chose (the page shows their paths, never the secret); a push
 * of one client id to Redis with the password typed into the page (cleared
 * after); a pull into a fresh vault that lists the same fingerprints; the
 * Acra master key published to the Vault stand-in (HTTPS, its CA chosen in
 * main's dialog, the address approved there). axe clean light and dark.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../../src-main/core/acra/redis/client.js';
import { redisUnavailable, startRedisServer, type RedisServer } from '../helpers/redisServer.js';
import { makeTestCa, opensslAvailable } from '../helpers/testCa.js';
import { startVaultStandIn } from '../helpers/vaultStandIn.js';
import { accessible, CHROMIUM, launchApp, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const REDIS_PASSWORD = 'e2e-redis-pw-0c4d9b';
const KDF = { memoryMiB: 8, passes: 1 };
const ready = existsSync(CHROMIUM) && redisUnavailable() === null;

describe.skipIf(!ready)('the Backups screen, Acra Redis and bundle panels', () => {
  let app: App;
  let page: Page;
  let server: RedisServer;
  let redis: RedisClient;
  let acraKeyFile: string;
  let pushedFingerprints: string[] = [];

  beforeAll(async () => {
    server = await startRedisServer({ password: REDIS_PASSWORD });
    redis = await connectRedis({ host: server.host, port: server.port, db: 5, password: REDIS_PASSWORD });
    app = await launchApp();
    await app.h.ok('vault:create', { name: 'acra-remote-e2e', passphrase: PASS, kdf: KDF });
    await app.h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    await app.h.ok('keys:generate', { scope: 'global' });
    acraKeyFile = join(app.h.dir, 'acra-master.key');
    writeFileSync(acraKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  }, 120_000);
  afterAll(async () => {
    redis?.close();
    await server?.stop();
    await app?.close();
  });

  it('writes an acra-keys bundle and its secret where main chose, showing their paths and never the secret', async () => {
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'acra-keys bundle', level: 3 }).waitFor();
    await accessible(page, 'backups-acra-remote');
    const bundle = join(app.h.dir, 'keys.bundle');
    const secret = join(app.h.dir, 'keys.secret');
    app.h.saveChoices.push(bundle, secret);
    await page.getByLabel('Client ids for the bundle').fill('billing-svc');
    await page.getByLabel('The global keys for the bundle (poison record, secure log)').check();
    await page.getByRole('button', { name: 'Write acra-keys bundle…' }).click();
    const result = page.getByTestId('acra-bundle-export-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(bundle);
    expect(await result.textContent()).toContain(secret);
    expect(statSync(secret).size).toBe(32);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(secret);
    const html = await page.content();
    for (const form of [bytes.toString('base64'), bytes.toString('hex')]) expect(html).not.toContain(form);
  }, 120_000);

  it('pushes a client id to Redis with the password typed into the page, then clears the password', async () => {
    await page.getByLabel('Redis host').fill('127.0.0.1');
    await page.getByLabel('Redis port').fill(String(server.port));
    await page.getByLabel('Redis database').fill('5');
    await page.getByLabel('Redis password').fill(REDIS_PASSWORD);
    await page.getByLabel('Client ids to push').fill('billing-svc');
    // The push's master-key choice starts at the existing file, the one this test answers.
    expect(await page.getByRole('group', { name: 'Acra master key for the push' }).getByRole('radio', { name: 'Use an existing one from a file I choose' }).isChecked()).toBe(true);
    app.h.fileChoices.push(acraKeyFile);
    await page.getByRole('button', { name: 'Push to Redis…' }).click();
    const result = page.getByTestId('acra-push-result');
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(`redis://127.0.0.1:${server.port}/5`);
    expect(text).toContain(`--redis_host_port=127.0.0.1:${server.port} --redis_db_keys=5 --keys_dir=.acrakeys`);
    const names = ((await redis.command('KEYS', '*')) as Uint8Array[]).map((k) => Buffer.from(k).toString());
    expect(names).toEqual(expect.arrayContaining(['.acrakeys/billing-svc_storage', '.acrakeys/billing-svc_hmac']));
    expect(await page.getByLabel('Redis password').inputValue()).toBe('');
    expect(await page.content()).not.toContain(REDIS_PASSWORD);
    pushedFingerprints = (await app.h.ok('keys:list', { allVersions: true })).keys.filter((k) => k.name.startsWith('billing-svc')).map((k) => k.fingerprint);
    await accessible(page, 'backups-acra-pushed');
  }, 120_000);

  it('pulls the same keys into a fresh vault, listing their fingerprints', async () => {
    await app.h.ok('vault:create', { name: 'acra-remote-e2e-target', passphrase: PASS, kdf: KDF });
    await page.reload();
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Redis', level: 3 }).waitFor();
    await page.getByLabel('Redis host').fill('127.0.0.1');
    await page.getByLabel('Redis port').fill(String(server.port));
    await page.getByLabel('Redis database').fill('5');
    await page.getByLabel('Redis password').fill(REDIS_PASSWORD);
    app.h.fileChoices.push(acraKeyFile);
    await page.getByRole('button', { name: 'Pull from Redis…' }).click();
    const result = page.getByTestId('acra-pull-result');
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(pushedFingerprints.length).toBeGreaterThan(3);
    for (const fingerprint of pushedFingerprints) expect(text).toContain(fingerprint);
    expect((await app.h.ok('keys:list', { allVersions: true })).keys.map((k) => k.fingerprint).sort()).toEqual([...pushedFingerprints].sort());
    await accessible(page, 'backups-acra-pulled');
  }, 120_000);

  it.skipIf(!opensslAvailable())('publishes the Acra master key to the Vault stand-in over HTTPS, the token typed and then cleared', async () => {
    const ca = makeTestCa('Custos e2e Vault CA');
    const standIn = await startVaultStandIn({ cert: ca.serverCert, key: ca.serverKey });
    try {
      standIn.addToken('s.e2e-publisher-77', ['secret/data/acra']);
      const caFile = join(app.h.dir, 'vault-ca.pem');
      writeFileSync(caFile, ca.caPem);
      await page.getByLabel('Vault address').fill(standIn.url);
      await page.getByLabel('Vault token').fill('s.e2e-publisher-77');
      await page.getByLabel("Vault's certificate is signed by a private CA (I choose its PEM)").check();
      app.h.fileChoices.push(caFile, acraKeyFile);
      await page.getByRole('button', { name: 'Publish to Vault…' }).click();
      const result = page.getByTestId('acra-vault-result');
      await result.waitFor();
      expect(await result.textContent()).toContain('secret/data/acra (KV v2, version 1)');
      expect(app.h.approvalsAsked.at(-1)).toMatchObject({ kind: 'vault-server', endpoint: standIn.url });
      expect(standIn.kvData('secret', 'acra')).toEqual({ acra_master_key: readFileSync(acraKeyFile, 'latin1').trim() });
      expect(await page.getByLabel('Vault token').inputValue()).toBe('');
      expect(await page.content()).not.toContain(readFileSync(acraKeyFile, 'latin1').trim());
      await accessible(page, 'backups-acra-vault-published');
    } finally {
      await standIn.close();
    }
  }, 120_000);
});
