import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../shared/ipc.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { lockedVaultIdentity } from '../../src-main/core/keystore/vaultIdentity.js';
import { encodeMasterKey, generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { FAST_KDF, startHarness } from './harness.js';

const PASS = 'correct horse battery staple';

describe('the IPC handler table', () => {
  it('has exactly one handler per contract channel', () => {
    const { ipc } = startHarness();
    expect(Object.keys(ipc.handlers).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.isFrozen(ipc.handlers)).toBe(true);
  });

  it('creates a vault, generates, filters, rotates, disables, destroys, locks and unlocks', async () => {
    const h = startHarness();
    expect(await h.ok('app:status', {})).toEqual({ unlocked: null });
    const vault = await h.ok('vault:create', { name: 'ceremony', passphrase: PASS, kdf: FAST_KDF });
    expect(vault).toMatchObject({ name: 'ceremony', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect((await h.ok('vault:list', {})).vaults).toEqual([{ id: vault.id, name: 'ceremony', path: join(h.vaultsDir, 'ceremony.custos.db') }]);
    expect(await h.ok('app:status', {})).toEqual({ unlocked: vault });
    // The name given in the app is the vault's human name too (sheets, bundles, custos info), read here without unlocking.
    expect(lockedVaultIdentity(join(h.vaultsDir, 'ceremony.custos.db'))).toEqual({ vaultName: 'ceremony', vaultFingerprint: vault.vaultFingerprint });

    const a = await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    const b = await h.ok('keys:generate', { scope: 'zone', zoneId: 'zone-0001' });
    expect(a.created.map((k) => k.name)).toEqual(['billing-svc', 'billing-svc_server', 'billing-svc_translator', 'billing-svc_storage', 'billing-svc_storage_sym', 'billing-svc_hmac']);
    expect(b.created.map((k) => k.name)).toEqual(['zone-0001_zone', 'zone-0001_zone_sym']);
    expect(await h.call('keys:generate', { scope: 'client', clientId: 'billing-svc' })).toMatchObject({ ok: false, code: 'KEY_EXISTS' });

    expect((await h.ok('keys:list', {})).keys).toHaveLength(8);
    expect((await h.ok('keys:list', { zoneId: 'zone-0001' })).keys.map((k) => k.name)).toEqual(['zone-0001_zone', 'zone-0001_zone_sym']);
    expect((await h.ok('keys:list', { purpose: 'hmac' })).keys.map((k) => k.name)).toEqual(['billing-svc_hmac']);

    const rotated = await h.ok('keys:rotate', { name: 'billing-svc_storage' });
    expect(rotated).toMatchObject({ version: 2, state: 'active' });
    const versions = (await h.ok('keys:list', { allVersions: true, clientId: 'billing-svc' })).keys.filter((k) => k.name === 'billing-svc_storage');
    expect(versions.map((v) => [v.version, v.state])).toEqual([[1, 'rotated'], [2, 'active']]);

    expect((await h.ok('keys:disable', { name: 'billing-svc_hmac' })).versions[0]?.state).toBe('disabled');
    expect((await h.ok('keys:list', { state: 'disabled' })).keys.map((k) => k.name)).toEqual(['billing-svc_hmac']);
    expect((await h.ok('keys:enable', { name: 'billing-svc_hmac' })).versions[0]?.state).toBe('active');

    expect(await h.call('keys:destroy', { name: 'billing-svc_hmac', confirmation: 'billing-svc_hma' })).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
    expect((await h.ok('keys:get', { name: 'billing-svc_hmac' })).versions[0]?.state).toBe('active');
    expect((await h.ok('keys:destroy', { name: 'billing-svc_hmac', confirmation: 'billing-svc_hmac' })).versions[0]?.state).toBe('destroyed');

    const { pem } = await h.ok('keys:publicPem', { name: 'billing-svc_storage' });
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await h.call('keys:publicPem', { name: 'billing-svc_storage_sym' })).toMatchObject({ ok: false, code: 'KEY_NO_PUBLIC_PART' });
    expect(await h.ok('keys:copyPublicPem', { name: 'billing-svc_storage' })).toEqual({ copied: true });
    expect(h.clipboard).toEqual([pem]);

    expect(await h.ok('vault:lock', {})).toEqual({ locked: true });
    expect(h.events).toContainEqual({ channel: 'event:locked', payload: { reason: 'user' } });
    expect(await h.call('keys:list', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    expect(await h.ok('app:status', {})).toEqual({ unlocked: null });

    expect(await h.call('vault:unlock', { id: vault.id, passphrase: 'not the passphrase' })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(await h.call('keys:list', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    expect(await h.ok('vault:unlock', { id: vault.id, passphrase: PASS })).toEqual(vault);
    expect((await h.ok('keys:list', {})).keys).toHaveLength(8);

    // The same file, opened directly by the core: what the app wrote is what is stored.
    const ks = await openKeystore(join(h.vaultsDir, 'ceremony.custos.db'), { kind: 'passphrase', passphrase: PASS });
    try {
      expect(ks.publicKeyPem('billing-svc_storage')).toBe(pem);
      expect(ks.get('billing-svc_hmac').versions[0]?.state).toBe('destroyed');
    } finally {
      ks.close();
    }
  });

  it('reports progress for long work: create, unlock and generate', async () => {
    const h = startHarness();
    const vault = await h.ok('vault:create', { name: 'progress', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('keys:generate', { scope: 'global' });
    await h.ok('vault:lock', {});
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    const tasks = h.events.filter((e) => e.channel === 'event:progress').map((e) => (e.payload as { task: string }).task);
    expect(new Set(tasks)).toEqual(new Set(['create', 'generate', 'unlock']));
    const last = h.events.filter((e) => e.channel === 'event:progress').at(-1)?.payload;
    expect(last).toMatchObject({ task: 'unlock', done: 1, total: 1 });
  });

  it('a destroy says when another process kept the old sealed bytes on disk; locking the vault then writes over them', async () => {
    const h = startHarness();
    await h.ok('vault:create', { name: 'busy', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('keys:generate', { scope: 'global' });
    const path = join(h.vaultsDir, 'busy.custos.db');
    const sealedOf = (db: Database.Database) =>
      Buffer.from((db.prepare("SELECT v.sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = 'auth_key'").get() as { sealed: Buffer }).sealed);
    // A custos command in the middle of a read, in a connection of its own.
    const reader = new Database(path, { readonly: true });
    reader.prepare('BEGIN').run();
    const sealed = sealedOf(reader);
    const onDisk = () => [path, `${path}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(sealed));
    const destroyed = await h.ok('keys:destroy', { name: 'auth_key', confirmation: 'auth_key' });
    expect(destroyed).toMatchObject({ oldBytesRemain: true, versions: [{ state: 'destroyed' }] });
    expect(onDisk()).toBe(true);
    reader.prepare('COMMIT').run();
    reader.close();
    await h.ok('vault:lock', {});
    expect(onDisk()).toBe(false);
  }, 30_000);

  it('refuses to create over an existing vault and to unlock a vault it never listed', async () => {
    const h = startHarness();
    await h.ok('vault:create', { name: 'twice', passphrase: PASS, kdf: FAST_KDF });
    expect(await h.call('vault:create', { name: 'twice', passphrase: PASS, kdf: FAST_KDF })).toMatchObject({ ok: false, code: 'KEYSTORE_EXISTS' });
    expect(await h.call('vault:unlock', { id: '0123456789abcdef', passphrase: PASS })).toMatchObject({ ok: false, code: 'KEYSTORE_NOT_FOUND' });
  });

  it('opens a vault file and unlocks it with a master key file chosen in main', async () => {
    const h = startHarness();
    const masterKey = generateMasterKey();
    const path = join(h.dir, 'elsewhere', 'restored.db');
    await createKeystore(path, { masterKey: new Uint8Array(masterKey) });
    const keyFile = join(h.dir, 'master.key');
    writeFileSync(keyFile, encodeMasterKey(masterKey), { mode: 0o600 });
    const wrongFile = join(h.dir, 'wrong.key');
    writeFileSync(wrongFile, encodeMasterKey(generateMasterKey()), { mode: 0o600 });

    h.fileChoices.push(null);
    expect(await h.call('vault:openFile', {})).toMatchObject({ ok: false, code: 'CANCELLED' });
    h.fileChoices.push(path);
    const entry = await h.ok('vault:openFile', {});
    expect(entry).toMatchObject({ name: 'restored.db', path });
    expect((await h.ok('vault:list', {})).vaults).toContainEqual(entry);

    h.fileChoices.push(wrongFile);
    expect(await h.call('vault:unlockWithKeyFile', { id: entry.id })).toMatchObject({ ok: false, code: 'WRONG_MASTER_KEY' });
    h.fileChoices.push(null);
    expect(await h.call('vault:unlockWithKeyFile', { id: entry.id })).toMatchObject({ ok: false, code: 'CANCELLED' });
    h.fileChoices.push(keyFile);
    expect(await h.ok('vault:unlockWithKeyFile', { id: entry.id })).toMatchObject({ id: entry.id, name: 'restored.db' });
    expect((await h.ok('keys:generate', { scope: 'client', clientId: 'report-svc', purposes: ['storage'] })).created).toHaveLength(1);
  });

  it('keeps settings in a file, within the contract', async () => {
    const h = startHarness();
    expect(await h.ok('settings:get', {})).toEqual({ idleLockMinutes: 5 });
    expect(await h.ok('settings:set', { idleLockMinutes: 12 })).toEqual({ idleLockMinutes: 12 });
    expect(await h.ok('settings:get', {})).toEqual({ idleLockMinutes: 12 });
    expect(await h.call('settings:set', { idleLockMinutes: 0 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await h.call('settings:set', { idleLockMinutes: 1.5 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('reports network interfaces that are up', async () => {
    const h = startHarness();
    expect(await h.ok('network:status', {})).toEqual({ airGapped: true, interfaces: [] });
    h.network.current = { airGapped: false, interfaces: [{ name: 'eth0', address: '192.0.2.7', family: 'IPv4' }] };
    expect(await h.ok('network:status', {})).toMatchObject({ airGapped: false, interfaces: [{ name: 'eth0' }] });
  });
});
