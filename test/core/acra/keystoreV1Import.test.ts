import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportAcraKeystore } from '../../../src-main/core/acra/exportKeys.js';
import { importAcraEntries, openAcraFiles } from '../../../src-main/core/acra/importKeys.js';
import { readKeystoreFolder } from '../../../src-main/core/acra/keystoreV1Folder.js';
import { newAcraMasterKey } from '../../../src-main/core/acra/masterKey.js';
import { materialFingerprint } from '../../../src-main/core/keystore/recordOpener.js';
import { decodePrivateContainer, decodePublicContainer } from '../../../src-main/core/themis/ecKeys.js';
import { caughtCustosError } from '../../helpers/errorCode.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';
import { acraKeymakerFolder, writeFolder } from './acraFolder.js';

async function importFolder(vault: TestVault, dir: string, acraKey: Uint8Array) {
  const entries = openAcraFiles(acraKey, readKeystoreFolder(dir));
  const ks = await vault.open();
  try {
    return importAcraEntries(ks, entries, dir);
  } finally {
    ks.close();
  }
}

async function listed(vault: TestVault) {
  const ks = await vault.open();
  try {
    return ks.list({ allVersions: true });
  } finally {
    ks.close();
  }
}

describe('acra import: a keystore v1 folder made by Themis as acra-keymaker lays it out', () => {
  it('imports every key and every rotated version, with the catalogue names, purposes and fingerprints of the Themis keys', async () => {
    const dir = join(tempDir(), '.acrakeys');
    const acraKey = newAcraMasterKey();
    const { clear } = await acraKeymakerFolder(dir, acraKey);
    const vault = await makeVault();
    const report = await importFolder(vault, dir, acraKey);
    expect(report.versions).toBe(8);
    const keys = await listed(vault);
    const storage = keys.filter((k) => k.name === 'client-one_storage');
    expect(storage.map((k) => [k.version, k.state, k.algorithm, k.purpose])).toEqual([
      [1, 'rotated', 'p256', 'storage'],
      [2, 'rotated', 'p256', 'storage'],
      [3, 'active', 'p256', 'storage'],
    ]);
    // Oldest first, by the time in the file name; the current file is the newest.
    const pubOf = (path: string) => {
      const decoded = decodePublicContainer(clear.get(path)!);
      if (!decoded.ok) throw new Error('test key');
      return materialFingerprint('p256', new Uint8Array(0), decoded.key);
    };
    expect(storage.map((k) => k.fingerprint)).toEqual([
      pubOf('client-one_storage.pub.old/2024-01-02T03:04:05.123456789'),
      pubOf('client-one_storage.pub.old/2024-05-06T07:08:09'),
      pubOf('client-one_storage.pub'),
    ]);
    expect(storage[1]!.createdAt).toBe('2024-01-02T03:04:05.123Z');
    const byName = new Map(keys.map((k) => [`${k.name}/${k.version}`, k]));
    expect(byName.get('client-one_hmac/1')).toMatchObject({ purpose: 'hmac', algorithm: 'sym256', clientId: 'client-one', fingerprint: materialFingerprint('sym256', clear.get('client-one_hmac')!, null) });
    expect(byName.get('client-one_storage_sym/1')?.purpose).toBe('storage-sym');
    expect(byName.get('poison_key/1')).toMatchObject({ purpose: 'poison', fingerprint: pubOf('.poison_key/poison_key.pub') });
    expect(byName.get('poison_key_sym/1')?.fingerprint).toBe(materialFingerprint('sym256', clear.get('.poison_key/poison_key_sym')!, null));
    expect(byName.get('secure_log_key/1')?.purpose).toBe('secure-log');
    // The secrets are Themis's: the private scalar of the current storage key, as stored in the vault.
    const ks = await vault.open();
    const row = [...ks.versionRows()].find((r) => r.name === 'client-one_storage' && r.version === 3)!;
    const decoded = decodePrivateContainer(clear.get('client-one_storage')!);
    expect(decoded.ok && Buffer.from(ks.openSecret(row)).equals(Buffer.from(decoded.key))).toBe(true);
    ks.close();
  });

  it('round trip: what acra export writes, acra import reads back with the same keys, versions and fingerprints', async () => {
    const source = await makeVault();
    const ks = await source.open();
    ks.generate([{ scope: 'client', clientId: 'client-two' }, { scope: 'global' }]);
    ks.rotate('client-two_storage');
    const out = join(tempDir(), '.acrakeys');
    const acraKey = newAcraMasterKey();
    exportAcraKeystore(ks, { out, acraMasterKey: acraKey, selection: { clientIds: ['client-two'], zoneIds: [], global: true } });
    const before = ks.list({ allVersions: true }).map((k) => [k.name, k.version, k.state, k.algorithm, k.fingerprint]);
    ks.close();
    const target = await makeVault();
    await importFolder(target, out, acraKey);
    expect((await listed(target)).map((k) => [k.name, k.version, k.state, k.algorithm, k.fingerprint])).toEqual(before);
  });
});

describe('acra import: public keys alone', () => {
  it('a .pub without its private key (an AcraWriter-side folder) comes in as a public-only version', async () => {
    const source = join(tempDir(), 'full');
    const acraKey = newAcraMasterKey();
    const { files } = await acraKeymakerFolder(source, acraKey);
    const dir = join(tempDir(), 'writer');
    writeFolder(dir, files.filter((f) => f.path === 'client-one_storage.pub'));
    const vault = await makeVault();
    const report = await importFolder(vault, dir, acraKey);
    expect(report).toMatchObject({ versions: 1, publicOnlyVersions: 1 });
    expect(await listed(vault)).toEqual([expect.objectContaining({ name: 'client-one_storage', algorithm: 'p256', publicOnly: true })]);
  });
});

describe('acra import: bad input is a typed error, and nothing is written', () => {
  async function setup() {
    const dir = join(tempDir(), '.acrakeys');
    const acraKey = newAcraMasterKey();
    await acraKeymakerFolder(dir, acraKey);
    const vault = await makeVault();
    return { dir, acraKey, vault };
  }

  async function refused(vault: TestVault, dir: string, key: Uint8Array): Promise<{ code: string; message: string }> {
    const before = await listed(vault);
    let error: { code: string; message: string } | undefined;
    try {
      await importFolder(vault, dir, key);
    } catch (e) {
      error = e as { code: string; message: string };
    }
    expect(await listed(vault)).toEqual(before);
    expect(before).toEqual([]);
    return error ?? { code: 'none', message: '' };
  }

  it('a wrong Acra master key is ACRA_WRONG_MASTER_KEY', async () => {
    const { dir, vault } = await setup();
    expect((await refused(vault, dir, newAcraMasterKey())).code).toBe('ACRA_WRONG_MASTER_KEY');
  });

  it('a truncated file is ACRA_KEY_UNREADABLE and names the file', async () => {
    const { dir, acraKey, vault } = await setup();
    const path = join(dir, 'client-one_hmac');
    writeFileSync(path, readFileSync(path).subarray(0, 60));
    const error = await refused(vault, dir, acraKey);
    expect(error.code).toBe('ACRA_KEY_UNREADABLE');
    expect(error.message).toContain('client-one_hmac');
  });

  it("a file under another key's name (renamed to another client id) does not open with that name's context: ACRA_KEY_UNREADABLE", async () => {
    const { dir, acraKey, vault } = await setup();
    // Acra's "don't rename your keys": the context is the client id in the name.
    renameSync(join(dir, 'client-one_storage_sym'), join(dir, 'client-two_storage_sym'));
    const error = await refused(vault, dir, acraKey);
    expect(error.code).toBe('ACRA_KEY_UNREADABLE');
    expect(error.message).toContain('client-two_storage_sym');
  });

  it('swapped files: a public key beside a private key it does not belong to is ACRA_KEY_UNREADABLE', async () => {
    const { dir, acraKey, vault } = await setup();
    copyFileSync(join(dir, '.poison_key/poison_key.pub'), join(dir, 'client-one_storage.pub'));
    const error = await refused(vault, dir, acraKey);
    expect(error.code).toBe('ACRA_KEY_UNREADABLE');
    expect(error.message).toContain('client-one_storage');
  });

  it('a stray file, a stray folder, and a keystore v2 folder are ACRA_KEYSTORE_MALFORMED', async () => {
    const { dir, acraKey, vault } = await setup();
    writeFileSync(join(dir, 'notes.txt'), 'keys for billing');
    const stray = await refused(vault, dir, acraKey);
    expect(stray.code).toBe('ACRA_KEYSTORE_MALFORMED');
    expect(stray.message).toContain('notes.txt');
    rmSync(join(dir, 'notes.txt'));
    writeFileSync(join(dir, 'client-one_storage.old', 'yesterday'), 'x');
    expect((await refused(vault, dir, acraKey)).message).toContain('client-one_storage.old/yesterday');
    rmSync(join(dir, 'client-one_storage.old', 'yesterday'));
    writeFileSync(join(dir, 'version'), 'Acra Keystore v2');
    expect((await refused(vault, dir, acraKey)).code).toBe('ACRA_KEYSTORE_MALFORMED');
  });

  it('a name the vault holds already is KEY_EXISTS, and the vault is left as it was', async () => {
    const { dir, acraKey, vault } = await setup();
    const ks = await vault.open();
    ks.generate([{ scope: 'global', purposes: ['secure-log'] }]);
    ks.close();
    const before = await listed(vault);
    const entries = openAcraFiles(acraKey, readKeystoreFolder(dir));
    const again = await vault.open();
    expect(caughtCustosError(() => importAcraEntries(again, entries, dir)).code).toBe('KEY_EXISTS');
    again.close();
    expect(await listed(vault)).toEqual(before);
  });
});
