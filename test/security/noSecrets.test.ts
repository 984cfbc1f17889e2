/**
 * Every channel, called with valid input, answers without secret bytes. The
 * secrets are read straight from the test keystore's file (Keystore.openSecret
 * over a second connection) and searched for, in every encoding a leak would
 * plausibly take, in every response and every event the renderer would get.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { INVOKE_CHANNELS, type InvokeChannel, type IpcRequest } from '../../shared/ipc.js';
import { wipe } from '../../src-main/core/crypto/bytes.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import type { Unlock } from '../../src-main/core/keystore/unlock.js';
import { newArgon2idParams } from '../../src-main/core/crypto/kdf.js';
import { encodeMasterKey, generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { FAST_KDF, startHarness } from '../ipc/harness.js';
import { decodeQrImage } from '../../src-main/core/paper/print/qrImage.js';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { masterKeyCheck, vaultFingerprintOf } from '../../src-main/core/masterkey/subkeys.js';
import { decodeMnemonic } from '../../src-main/core/paper/slip39/index.js';
import { startRedisServer } from '../helpers/redisServer.js';
import { makeTestCa } from '../helpers/testCa.js';
import { startVaultStandIn } from '../helpers/vaultStandIn.js';

const PASS = 'the ceremony passphrase';
const REDIS_PASSWORD = 'acra-redis-password-1d7e';
const VAULT_TOKEN = 's.acra-publish-token-90ab';
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The forms a leaked 32-byte secret would take in JSON. */
function encodings(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes);
  return [b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64url'), [...b].join(','), Buffer.concat([PKCS8_X25519, b]).toString('base64')];
}

async function secretsOf(path: string, unlock: Unlock): Promise<string[]> {
  const ks = await openKeystore(path, unlock);
  const found: string[] = [];
  try {
    for (const row of ks.versionRows()) {
      if (row.state === 'destroyed') continue;
      const secret = ks.openSecret(row);
      found.push(...encodings(secret));
      wipe(secret);
    }
  } finally {
    ks.close();
  }
  return found;
}

const leaks = (haystack: string, needles: Iterable<string>) => [...needles].filter((n) => haystack.includes(n));

type Step = { [C in InvokeChannel]: [C, IpcRequest<C> | (() => IpcRequest<C> | Promise<IpcRequest<C>>)] }[InvokeChannel];

describe('no channel returns secret bytes', () => {
  it('the detector finds a secret in each encoding (so a pass below means something)', () => {
    const secret = generateMasterKey();
    for (const form of encodings(secret)) expect(leaks(JSON.stringify({ value: form }), encodings(secret))).not.toEqual([]);
  });

  it('every channel with valid input, every event: none of the vault secrets, the master key or the passphrase', async () => {
    const h = startHarness();
    // The Acra panels' Redis and Vault: a real redis-server, and the Vault stand-in over HTTPS with its CA chosen in main's dialog.
    const redisServer = await startRedisServer({ password: REDIS_PASSWORD });
    onTestFinished(() => redisServer.stop());
    const vaultCa = makeTestCa();
    const standIn = await startVaultStandIn({ cert: vaultCa.serverCert, key: vaultCa.serverKey });
    onTestFinished(() => standIn.close());
    standIn.addToken(VAULT_TOKEN, ['secret/data/acra']);
    const redisTarget = { host: '127.0.0.1', port: redisServer.port, db: 0, keysDir: '.acrakeys', password: REDIS_PASSWORD, tls: null };
    const masterKey = generateMasterKey();
    const path = join(h.vaultsDir, 'secrets.custos.db');
    const sheets = join(h.dir, 'sheets');
    const otherDevice = () => {
      const found = otherDeviceDir();
      if (!found.dir) throw new Error(found.reason);
      return found.dir;
    };
    await createKeystore(path, { masterKey: new Uint8Array(masterKey), passphrase: { text: PASS, params: newArgon2idParams(8 * 1024, 1) } });
    const keyFile = join(h.dir, 'master.key');
    writeFileSync(keyFile, encodeMasterKey(masterKey), { mode: 0o600 });
    const id = (await h.ok('vault:list', {})).vaults[0]?.id ?? '';
    const byKey: Unlock = { kind: 'master-key', masterKey };

    const secrets = new Set<string>([...encodings(masterKey), PASS, REDIS_PASSWORD, VAULT_TOKEN]);
    const collect = async () => (await secretsOf(path, { ...byKey, masterKey: new Uint8Array(masterKey) })).forEach((s) => secrets.add(s));

    const steps: Step[] = [
      ['app:status', {}],
      ['network:status', {}],
      ['vault:list', {}],
      ['settings:get', {}],
      ['settings:set', { idleLockMinutes: 7 }],
      ['vault:unlockMethods', { id }],
      ['vault:unlock', { id, passphrase: PASS }],
      ['keys:generate', { scope: 'client', clientId: 'billing-svc' }],
      ['keys:generate', { scope: 'client', clientId: 'report-svc' }],
      ['keys:generate', { scope: 'zone', zoneId: 'zone-0001' }],
      ['keys:generate', { scope: 'global' }],
      ['keys:list', {}],
      ['keys:list', { allVersions: true }],
      ['keys:get', { name: 'billing-svc_storage' }],
      ['keys:rotate', { name: 'billing-svc_storage' }],
      ['keys:disable', { name: 'report-svc_hmac' }],
      ['keys:enable', { name: 'report-svc_hmac' }],
      ['keys:publicPem', { name: 'billing-svc_storage' }],
      ['keys:publicPem', { name: 'billing-svc_storage', version: 1 }],
      ['keys:copyPublicPem', { name: 'zone-0001_zone' }],
      ['keys:destroy', { name: 'poison_key_sym', confirmation: 'poison_key_sym' }],
      ['keys:destroy', { name: 'billing-svc_storage', confirmation: 'billing-svc_storage', version: 1 }],
      ['keys:list', { allVersions: true }],
      ['vault:lock', {}],
      ['vault:unlockWithMethod', { id, methodId: 1, credentials: { kind: 'passphrase', passphrase: PASS } }],
      ['keys:list', {}],
      ['vault:unlockWithKeyFile', { id }],
      ['keys:list', {}],
      // The Backups screen: a bundle and an Acra keystore (with a new Acra master key the worker writes) out of this vault.
      ['backups:export', () => (h.folderChoices.push({ purpose: 'backup-bundle', path: mkdir('bundle') }, { purpose: 'backup-access-keys', path: otherDevice() }), { selection: { scope: 'all' as const }, privateKeys: true })],
      ['backups:cancel', {}],
      ['acra:export', () => (h.folderChoices.push({ purpose: 'acra-keystore-out', path: mkdir('acrakeys') }, { purpose: 'acra-master-key-out', path: mkdir('acra-key') }), { selection: { clientIds: ['billing-svc'], zoneIds: [], global: false }, masterKey: 'new' as const, replace: false })],
      ['acra:bundleExport', () => (h.saveChoices.push(join(h.dir, 'acra.bundle'), join(h.dir, 'acra.secret')), { selection: { clientIds: [], zoneIds: ['zone-0001'], global: false }, replace: false })],
      ['acra:redisPush', () => (h.fileChoices.push(acraKeyFile()), { redis: redisTarget, selection: { clientIds: ['report-svc'], zoneIds: [], global: false }, masterKey: 'file' as const, replace: false })],
      ['acra:vaultPublish', () => (writeFileSync(join(h.dir, 'vault-ca.pem'), vaultCa.caPem), h.fileChoices.push(join(h.dir, 'vault-ca.pem'), acraKeyFile()), { vaultAddr: standIn.url, path: 'secret/acra', auth: { method: 'token' as const, token: VAULT_TOKEN }, privateCa: true, replace: false })],
      // The ceremony wizard, one sheet: the vault's secrets must not come back through it either.
      ['ceremony:state', {}],
      ['ceremony:begin', () => ((h.network.current = { airGapped: false, interfaces: [{ name: 'eth0', address: '10.0.0.2', family: 'IPv4' }] }), {})],
      ['ceremony:airGap', { override: { reason: 'test machine; the network is a test fixture' } }],
      ['ceremony:roles', { operator: 'Olivia', witnesses: ['Wes'], custodians: ['Ana'] }],
      ['ceremony:keys', { clientIds: ['ceremony-svc'], zoneIds: [] }],
      ['ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], custodians: ['Ana'] }],
      ['ceremony:preview', { paperSize: 'a4' }],
      ['ceremony:print', () => (h.folderChoices.push({ purpose: 'ceremony-sheets', path: sheets }), { destination: 'pdf-folder' as const, paperSize: 'a4' as const, allowSameDisk: true })],
      ['ceremony:camera', { open: true }],
      ['ceremony:verifySheet', async () => ({ index: 1, words: (await decodeQrImage(join(sheets, 'share-1.pdf')))[0] ?? '', how: 'camera' as const })],
      ['ceremony:backup', () => (h.folderChoices.push({ purpose: 'backup-bundle', path: h.dir }, { purpose: 'backup-access-keys', path: otherDevice() }), {})],
      ['ceremony:transcript', () => (h.saveChoices.push(join(h.dir, 'transcript.pdf')), {})],
      ['ceremony:finish', {}],
      ['ceremony:begin', {}],
      ['ceremony:abandon', { confirmation: 'abandon' }],
      // The audit screen: pages of entries, the head, verification, the signed transcript to a file.
      ['audit:head', {}],
      ['audit:page', { filter: {}, offset: 0, limit: 500 }],
      ['audit:page', { filter: { key: 'billing' }, offset: 0, limit: 10 }],
      ['audit:verify', {}],
      ['audit:export', () => (h.saveChoices.push(join(h.dir, 'audit.json')), { format: 'json' as const })],
      ['vault:openFile', {}],
      ['vault:create', { name: 'second', passphrase: PASS, kdf: FAST_KDF }],
      ['keys:generate', { scope: 'client', clientId: 'second-svc' }],
      ['acra:import', () => (h.folderChoices.push({ purpose: 'acra-keystore-in', path: join(h.dir, 'acrakeys') }), h.fileChoices.push(acraKeyFile()), {})],
      ['acra:bundleImport', () => (h.fileChoices.push(join(h.dir, 'acra.bundle'), join(h.dir, 'acra.secret')), {})],
      ['acra:redisPull', () => (h.fileChoices.push(acraKeyFile()), { redis: redisTarget })],
      ['backups:openBundle', () => (h.fileChoices.push(exported().bundle), {})],
      ['backups:openAccessKeys', () => (h.fileChoices.push(exported().accessKeys), {})],
      ['backups:import', { onConflict: 'skip' }],
      ['masterKey:rotationPlan', {}],
      ['masterKey:rotate', { confirmation: 'rotate', methods: [{ action: 'rewrap', methodId: 1, credentials: { kind: 'passphrase', passphrase: PASS } }] }],
      ['keys:list', {}],
      // The restore screen on the ceremony's one sheet and backup: no step answers with the words or a key.
      ['restore:state', {}],
      ['restore:wordlist', {}],
      ['restore:camera', { open: true }],
      ['restore:scanShare', () => (h.fileChoices.push(join(sheets, 'share-1.pdf')), {})],
      ['restore:removeShare', { index: 0 }],
      ['restore:addShare', async () => ({ words: (await decodeQrImage(join(sheets, 'share-1.pdf')))[0] ?? '', how: 'typed' as const })],
      ['restore:compare', async () => {
        const share = decodeMnemonic((await decodeQrImage(join(sheets, 'share-1.pdf')))[0] ?? '');
        return { vaultFingerprint: vaultFingerprintOf(masterKey), ceremony: String(share.identifier), keyCheck: masterKeyCheck(masterKey), auditHead: '' };
      }],
      ['restore:chooseBundle', () => {
        const backup = responses.map((r) => JSON.parse(r) as { value?: { state?: { backup?: { bundleFile: string; accessKeysFile: string } | null } } }).find((r) => r.value?.state?.backup)?.value?.state?.backup;
        h.fileChoices.push(backup?.bundleFile ?? null, backup?.accessKeysFile ?? null);
        return {};
      }],
      ['restore:create', { name: 'restored', passphrase: PASS, kdf: FAST_KDF }],
      ['restore:import', {}],
      ['restore:cancel', {}],
      ['restore:drill', {}],
      ['restore:printDrill', () => (h.saveChoices.push(join(h.dir, 'drill.pdf')), {})],
      ['restore:reset', {}],
    ];
    const responses: string[] = [];
    const mkdir = (name: string) => (mkdirSync(join(h.dir, name)), join(h.dir, name));
    const acraKeyFile = () => join(h.dir, 'acra-key', readdirSync(join(h.dir, 'acra-key'))[0] ?? 'missing');
    const exported = () => responses.map((r) => JSON.parse(r) as { value?: { bundle?: string; accessKeys?: string } }).find((r) => r.value?.bundle)?.value as { bundle: string; accessKeys: string };
    const called = new Set<InvokeChannel>();
    for (const [channel, payload] of steps) {
      if (channel === 'vault:unlockWithKeyFile') h.fileChoices.push(keyFile);
      if (channel === 'vault:openFile') h.fileChoices.push(path);
      // Secrets are read just before anything is destroyed, so destroyed material is searched for too.
      if (channel === 'keys:destroy' || channel === 'vault:lock') await collect();
      const result = await h.raw(channel, typeof payload === 'function' ? await payload() : payload);
      expect(result.ok, `${channel}: ${JSON.stringify(result)}`).toBe(true);
      responses.push(JSON.stringify(result));
      called.add(channel);
    }
    expect([...called].sort()).toEqual([...INVOKE_CHANNELS].sort());

    await collect();
    // The Acra master key the worker made went to its file only.
    encodings(new Uint8Array(Buffer.from(readFileSync(acraKeyFile(), 'latin1').trim(), 'base64'))).forEach((s) => secrets.add(s));
    // So did the acra-keys bundle's secret.
    encodings(new Uint8Array(readFileSync(join(h.dir, 'acra.secret')))).forEach((s) => secrets.add(s));
    // The second vault's master key is the one its rotation made inside the worker; its keys kept their secrets.
    const second = join(h.vaultsDir, 'second.custos.db');
    for (const s of await secretsOf(second, { kind: 'passphrase', passphrase: PASS })) secrets.add(s);
    const rotated = await openKeystore(second, { kind: 'passphrase', passphrase: PASS });
    rotated.internal('read', (ctx) => encodings(ctx.masterKey).forEach((s) => secrets.add(s)));
    rotated.close();
    expect(secrets.size).toBeGreaterThan(100);

    const everything = [...responses, ...h.events.map((e) => JSON.stringify(e)), ...h.clipboard].join('\n');
    expect(leaks(everything, secrets)).toEqual([]);
    // Public keys do go out (that is the point of keys:publicPem): the search did see real key data.
    expect(everything).toContain('-----BEGIN PUBLIC KEY-----');
  }, 240_000);
});
