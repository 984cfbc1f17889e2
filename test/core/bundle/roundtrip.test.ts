import Database from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessKeysFingerprint, readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { inspectBundle } from '../../../src-main/core/bundle/inspect.js';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { toHex, wipe } from '../../../src-main/core/crypto/bytes.js';
import type { Keystore } from '../../../src-main/core/keystore/keystore.js';
import { makeVault } from '../../helpers/keystore.js';
import { CLIENT, exportFrom, importInto, listAll, OTHER_CLIENT, sourceVault, withOpen } from './helpers.js';
import { auditHistoryBytes } from './craft.js';

/** name/version → secret, as hex, for comparing material across keystores. */
function secrets(ks: Keystore): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of ks.versionRows()) {
    if (!row.sealed || row.public_only === 1) continue;
    const secret = ks.openSecret(row);
    out.set(`${row.name}/${row.version}`, toHex(secret));
    wipe(secret);
  }
  return out;
}

describe('export then import', () => {
  it('--all --private-keys: the restore host lists the same keys, versions, states, fingerprints and times, with the same secrets', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source);
    const target = await makeVault();
    const report = await importInto(target, exported.bundle, exported.accessKeys);

    const before = await listAll(source);
    expect(before.length).toBe(21);
    expect(await listAll(target)).toEqual(before);
    expect(report).toMatchObject({ keys: 18, versions: 21, publicOnlyVersions: 0, skipped: 0, replaced: 0, privateKeys: true });
    expect(new Set(before.map((k) => k.state))).toEqual(new Set(['active', 'rotated', 'destroyed', 'disabled']));

    const sourceSecrets = await withOpen(source, secrets);
    expect(sourceSecrets.size).toBe(20);
    expect(await withOpen(target, secrets)).toEqual(sourceSecrets);
    // Re-sealed under the target's own master key and identity, and sound by `check`.
    expect(await withOpen(target, (ks) => checkKeystore(ks))).toEqual({ opened: 20, destroyed: 1, problems: [] });
    const sourceDb = readFileSync(source.path);
    await withOpen(target, (ks) => {
      for (const row of ks.versionRows()) if (row.sealed) expect(sourceDb.indexOf(Buffer.from(row.sealed))).toBe(-1);
    });
  });

  it('current versions travel: rotate on the restore host continues the numbering', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source);
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    const rotated = await withOpen(target, (ks) => ks.rotate(`${CLIENT}_storage`));
    expect(rotated.version).toBe(4);
    expect(await withOpen(target, (ks) => ks.get(`${CLIENT}_storage`).versions.map((v) => v.state))).toEqual(['destroyed', 'rotated', 'rotated', 'active']);
  });

  it('--client-id: only that client\'s keys, and all their versions', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source, { selection: { clientIds: [OTHER_CLIENT], names: [] } });
    expect(exported).toMatchObject({ keys: 6, versions: 6 });
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    const expected = (await listAll(source)).filter((k) => k.clientId === OTHER_CLIENT);
    expect(await listAll(target)).toEqual(expected);
  });

  it('--key and --client-id together export the union of both', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source, { selection: { clientIds: [CLIENT], names: ['poison_key', `${CLIENT}_hmac`] } });
    expect(exported).toMatchObject({ keys: 7, versions: 10 });
    const expected = new Set((await listAll(source)).filter((k) => k.clientId === CLIENT).map((k) => k.name)).add('poison_key');
    const inspected = inspectBundle(exported.bundle, readAccessKeysFile(exported.accessKeys));
    expect(inspected.manifest?.map((k) => k.name).sort()).toEqual([...expected].sort());
  });

  it('public only: X25519 keys bring their public keys, symmetric keys their metadata, and no secret is imported', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source, { privateKeys: false });
    const bundleBytes = readFileSync(exported.bundle);
    // Small without secrets; the audit history (v2) travels beside the keys, whatever the bundle type.
    const history = auditHistoryBytes(exported.bundle, exported.accessKeys);
    expect(bundleBytes.length - history).toBeLessThan(6000);
    const target = await makeVault();
    const report = await importInto(target, exported.bundle, exported.accessKeys);
    expect(report).toMatchObject({ privateKeys: false, keys: 18, versions: 21, publicOnlyVersions: 20 });

    const sourceList = await listAll(source);
    const targetList = await listAll(target);
    expect(targetList.map(({ publicOnly: _, ...k }) => k)).toEqual(sourceList);
    expect(targetList.filter((k) => k.publicOnly).length).toBe(20);
    expect(targetList.find((k) => k.state === 'destroyed')?.publicOnly).toBeUndefined();

    await withOpen(target, (ks) => {
      expect(secrets(ks).size).toBe(0);
      const row = [...ks.versionRows()].find((r) => r.name === `${CLIENT}_storage_sym`);
      expect(row?.public_only).toBe(1);
      expect(() => ks.openSecret(row!)).toThrowError(expect.objectContaining({ code: 'KEY_PUBLIC_ONLY' }));
      expect(checkKeystore(ks)).toEqual({ opened: 0, destroyed: 1, publicOnly: 20, problems: [] });
    });
    const sourcePem = await withOpen(source, (ks) => ks.publicKeyPem(`${CLIENT}_storage`));
    expect(await withOpen(target, (ks) => ks.publicKeyPem(`${CLIENT}_storage`))).toBe(sourcePem);
  });

  it('a public-only key can still be disabled, enabled and destroyed on the restore host', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source, { privateKeys: false, selection: { clientIds: [OTHER_CLIENT], names: [] } });
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    const name = `${OTHER_CLIENT}_storage`;
    await withOpen(target, (ks) => {
      expect(ks.disable(name).versions[0]?.state).toBe('disabled');
      expect(ks.enable(name).versions[0]?.state).toBe('active');
      expect(ks.destroy(name).versions[0]).toMatchObject({ state: 'destroyed' });
      expect(ks.get(name).versions[0]?.publicOnly).toBeUndefined();
    });
  });

  it('both files are 0600, show the same pair fingerprint, and carry no secret of the keystore in the clear', async () => {
    const source = await sourceVault();
    const exported = await exportFrom(source);
    for (const path of [exported.bundle, exported.accessKeys]) expect(statSync(path).mode & 0o777).toBe(0o600);
    const keys = readAccessKeysFile(exported.accessKeys);
    expect(accessKeysFingerprint(keys)).toBe(exported.pairFingerprint);
    expect(exported.pairFingerprint).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    expect(JSON.parse(readFileSync(exported.accessKeys, 'utf8'))).toMatchObject({ pairFingerprint: exported.pairFingerprint });
    expect(inspectBundle(exported.bundle).header.pairFingerprint).toBe(exported.pairFingerprint);
    const bundle = readFileSync(exported.bundle);
    await withOpen(source, (ks) => {
      for (const [, hex] of secrets(ks)) expect(bundle.indexOf(Buffer.from(hex, 'hex'))).toBe(-1);
    });
  });

  it('a few thousand keys across many chunks round-trip exactly', async () => {
    const source = await makeVault();
    await withOpen(source, (ks) => ks.generate(Array.from({ length: 500 }, (_, i) => ({ scope: 'client' as const, clientId: `client-${String(i).padStart(4, '0')}` }))));
    const exported = await exportFrom(source, { chunkBytes: 4096 });
    expect(exported.keys).toBe(3000);
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    expect(await listAll(target)).toEqual(await listAll(source));
    expect(await withOpen(target, secrets)).toEqual(await withOpen(source, secrets));
  });

  it('an empty keystore exports an empty bundle that imports as nothing', async () => {
    const exported = await exportFrom(await makeVault());
    const target = await makeVault();
    expect(await importInto(target, exported.bundle, exported.accessKeys)).toMatchObject({ keys: 0, versions: 0 });
    expect(await listAll(target)).toEqual([]);
  });
});

describe('public-only keys travelling on', () => {
  it('a restore host holding only public parts exports them with --private-keys as public parts, never as secrets', async () => {
    const source = await sourceVault();
    const publicOnly = await exportFrom(source, { privateKeys: false });
    const middle = await makeVault();
    await importInto(middle, publicOnly.bundle, publicOnly.accessKeys);
    // Asking for private keys from a host that has none must not invent any.
    const onward = await exportFrom(middle, { privateKeys: true });
    const last = await makeVault();
    const report = await importInto(last, onward.bundle, onward.accessKeys);
    expect(report.publicOnlyVersions).toBe(report.versions - 1);
    await withOpen(last, (ks) => {
      expect(secrets(ks).size).toBe(0);
      expect(checkKeystore(ks).problems).toEqual([]);
      expect(ks.publicKeyPem(`${CLIENT}_storage`)).toMatch(/BEGIN PUBLIC KEY/);
    });
    expect((await listAll(last)).map(({ publicOnly: _, ...k }) => k)).toEqual(await listAll(source));
  });

  it('a public-only seal can never be opened as a secret, even with the public_only flag cleared by hand', async () => {
    const source = await sourceVault();
    const publicOnly = await exportFrom(source, { privateKeys: false, selection: { clientIds: [CLIENT], names: [] } });
    const target = await makeVault();
    await importInto(target, publicOnly.bundle, publicOnly.accessKeys);
    const db = new Database(target.path);
    db.prepare('UPDATE key_versions SET public_only = 0').run();
    db.close();
    await withOpen(target, (ks) => {
      const row = [...ks.versionRows()].find((r) => r.name === `${CLIENT}_storage_sym` && r.state !== 'destroyed');
      expect(() => ks.openSecret(row!)).toThrowError(expect.objectContaining({ code: 'KEY_RECORD_TAMPERED' }));
    });
  });
});
