import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { makeVault } from '../../helpers/keystore.js';
import { sha256File } from '../../helpers/tmp.js';

const CLIENT_NAMES = ['client-one', 'client-one_hmac', 'client-one_server', 'client-one_storage', 'client-one_storage_sym', 'client-one_translator'];

describe('generate', () => {
  it('makes the full Acra catalogue for a client, a zone and the global keys', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'zone', zoneId: 'zone-0001' }, { scope: 'global' }]);
    expect(ks.list().map((k) => k.name)).toEqual(
      [...CLIENT_NAMES, 'zone-0001_zone', 'zone-0001_zone_sym', 'auth_key', 'poison_key', 'poison_key_sym', 'secure_log_key'].sort(),
    );
    expect(ks.list({ clientId: 'client-one' }).every((k) => k.version === 1 && k.state === 'active')).toBe(true);
    ks.close();
  });

  it('gives every key distinct material (distinct fingerprints)', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'client', clientId: 'client-two' }]);
    const fingerprints = ks.list().map((k) => k.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    ks.close();
  });

  it('is all or nothing: one existing name fails the whole call and writes nothing', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['hmac'] }]);
    ks.close();
    const before = sha256File(vault.path);
    const again = await vault.open();
    expect(() => again.generate([{ scope: 'client', clientId: 'client-one' }])).toThrow(expect.objectContaining({ code: 'KEY_EXISTS' }));
    expect(again.list().map((k) => k.name)).toEqual(['client-one_hmac']);
    again.close();
    expect(sha256File(vault.path)).toBe(before);
  });

  it('with skipExisting, generates only the missing keys and keeps the existing one', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    const [hmac] = ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['hmac'] }]);
    const created = ks.generate([{ scope: 'client', clientId: 'client-one' }], { skipExisting: true });
    expect(created.map((k) => k.name).sort()).toEqual(CLIENT_NAMES.filter((n) => n !== 'client-one_hmac'));
    expect(ks.get('client-one_hmac').versions[0]?.fingerprint).toBe(hmac?.fingerprint);
    ks.close();
  });

  it('refuses a client id whose key name belongs to another purpose, even with skipExisting', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'alpha' }]);
    // Client id "alpha_hmac" would name its connector key "alpha_hmac": the name of alpha's HMAC key.
    expect(() => ks.generate([{ scope: 'client', clientId: 'alpha_hmac' }], { skipExisting: true })).toThrow(expect.objectContaining({ code: 'KEY_EXISTS' }));
    ks.close();
  });

  it('rejects malformed ids and purposes that do not fit the scope', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    expect(() => ks.generate([{ scope: 'client', clientId: 'abc' }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => ks.generate([{ scope: 'client', clientId: 'has space' }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['zone'] }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(ks.list()).toEqual([]);
    ks.close();
  });
});

describe('rotate, disable, enable, destroy', () => {
  it('rotate adds a version, makes it current and keeps the old one readable', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['storage'] }]);
    const oldPem = ks.publicKeyPem('client-one_storage');
    const v2 = ks.rotate('client-one_storage');
    expect(v2).toMatchObject({ version: 2, state: 'active' });
    const detail = ks.get('client-one_storage');
    expect(detail.currentVersion).toBe(2);
    expect(detail.versions.map((v) => [v.version, v.state])).toEqual([
      [1, 'rotated'],
      [2, 'active'],
    ]);
    expect(ks.publicKeyPem('client-one_storage', 1)).toBe(oldPem);
    expect(ks.publicKeyPem('client-one_storage')).not.toBe(oldPem);
    expect(checkKeystore(ks)).toMatchObject({ opened: 2, problems: [] });
    ks.close();
  });

  it('disable cuts off every version until enable restores the states', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['storage'] }]);
    ks.rotate('client-one_storage');
    expect(ks.disable('client-one_storage').versions.map((v) => v.state)).toEqual(['disabled', 'disabled']);
    expect(() => ks.rotate('client-one_storage')).toThrow(expect.objectContaining({ code: 'KEY_DISABLED' }));
    expect(() => ks.publicKeyPem('client-one_storage', 1)).toThrow(expect.objectContaining({ code: 'KEY_DISABLED' }));
    expect(ks.enable('client-one_storage').versions.map((v) => v.state)).toEqual(['rotated', 'active']);
    expect(ks.rotate('client-one_storage').version).toBe(3);
    ks.close();
  });

  it('destroy removes the sealed bytes from the database file and its WAL', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['hmac'] }]);
    const row = [...ks.versionRows()][0];
    const sealed = Buffer.from(row?.sealed ?? []);
    expect(sealed.length).toBeGreaterThan(32);
    const files = () => readdirSync(join(vault.dir, 'vault')).map((f) => readFileSync(join(vault.dir, 'vault', f)));
    expect(files().some((bytes) => bytes.includes(sealed))).toBe(true);
    const detail = ks.destroy('client-one_hmac');
    expect(detail.versions.map((v) => v.state)).toEqual(['destroyed']);
    expect(files().some((bytes) => bytes.includes(sealed))).toBe(false);
    expect(() => ks.rotate('client-one_hmac')).toThrow(expect.objectContaining({ code: 'KEY_DESTROYED' }));
    expect(() => ks.disable('client-one_hmac')).toThrow(expect.objectContaining({ code: 'KEY_DESTROYED' }));
    expect(checkKeystore(ks)).toMatchObject({ opened: 0, destroyed: 1, problems: [] });
    ks.close();
  });

  it('destroy while another connection reads: the old bytes are reported as remaining until a checkpoint finishes', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['hmac'] }]);
    const sealed = Buffer.from([...ks.versionRows()][0]?.sealed ?? []);
    const files = () => readdirSync(join(vault.dir, 'vault')).map((f) => readFileSync(join(vault.dir, 'vault', f)));
    // A read transaction in another connection (as the app or a second custos holds one mid-read): SQLite may
    // not write the destroy's pages over the ones that reader still sees.
    const reader = new Database(vault.path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM key_versions').get();
    expect(ks.oldSealedBytesRemain()).toBe(false);
    ks.destroy('client-one_hmac'); // its checkpoint waits out the busy timeout (5 s), then stops part-way
    expect(ks.oldSealedBytesRemain()).toBe(true);
    expect(files().some((bytes) => bytes.includes(sealed))).toBe(true);
    reader.prepare('COMMIT').run();
    reader.close();
    expect(ks.checkpoint()).toBe(true);
    expect(ks.oldSealedBytesRemain()).toBe(false);
    expect(files().some((bytes) => bytes.includes(sealed))).toBe(false);
    ks.close();
  }, 30_000);

  it('destroy of one older version keeps the current one; the current version alone is refused', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'global', purposes: ['poison'] }]);
    ks.rotate('poison_key');
    expect(() => ks.destroy('poison_key', 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => ks.destroy('poison_key', 9)).toThrow(expect.objectContaining({ code: 'KEY_NOT_FOUND' }));
    expect(ks.destroy('poison_key', 1).versions.map((v) => v.state)).toEqual(['destroyed', 'active']);
    expect(ks.publicKeyPem('poison_key')).toMatch(/BEGIN PUBLIC KEY/);
    ks.close();
  });

  it('unknown names fail with KEY_NOT_FOUND; symmetric keys have no PEM', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'global', purposes: ['auth'] }]);
    for (const op of [() => ks.get('nope'), () => ks.rotate('nope'), () => ks.disable('nope'), () => ks.destroy('nope')]) {
      expect(op).toThrow(expect.objectContaining({ code: 'KEY_NOT_FOUND' }));
    }
    expect(() => ks.publicKeyPem('auth_key')).toThrow(expect.objectContaining({ code: 'KEY_NO_PUBLIC_PART' }));
    ks.close();
  });
});
