import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createKeystore } from '../../../src-main/core/keystore/create.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { listCeremonies } from '../../../src-main/core/keystore/paperStore.js';
import { rotateMasterKey } from '../../../src-main/core/keystore/rotation/rotate.js';
import { vaultInfo } from '../../../src-main/core/keystore/vaultInfo.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { vaultFingerprintOf } from '../../../src-main/core/masterkey/subkeys.js';
import { freshIdentifier } from '../../../src-main/core/paper/ceremony.js';
import { checkShare, recordCeremony, splitVault } from '../../../src-main/core/paper/paperVault.js';
import { tempDir } from '../../helpers/tmp.js';
import { exportFrom, importInto, type TestVaultLike } from '../keystore/bundleTrip.js';

async function vault(masterKey = generateMasterKey(), vaultName: string | null = null): Promise<TestVaultLike> {
  const dir = tempDir();
  const path = join(dir, 'custos.db');
  await createKeystore(path, { masterKey: new Uint8Array(masterKey), vaultName });
  return { path, masterKey, dir };
}

async function withKs<T>(v: TestVaultLike, fn: (ks: Awaited<ReturnType<typeof openKeystore>>) => T | Promise<T>): Promise<T> {
  const ks = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(v.masterKey) });
  try {
    return await fn(ks);
  } finally {
    ks.close();
  }
}

/** A 2-of-3 ceremony, printed (in memory) and recorded; its words. */
async function ceremony(v: TestVaultLike): Promise<{ id: string; words: string[] }> {
  return withKs(v, async (ks) => {
    const made = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: ['Ana', 'Ben'] });
    recordCeremony(ks, made.record);
    return { id: made.record.id, words: made.sheets.map((s) => s.mnemonic) };
  });
}

describe('ceremony records travel in the bundle', () => {
  it('a superseded ceremony stays "genuine but superseded" on a host that imports a bundle with private keys; a public-only bundle brings only the record', async () => {
    const a = await vault();
    const old = await ceremony(a);
    const newKey = generateMasterKey();
    await withKs(a, (ks) => rotateMasterKey(ks, { newMasterKey: newKey, rewrappers: new Map() }));
    const rotatedA = { ...a, masterKey: newKey };
    const full = await exportFrom(rotatedA, true);
    const publicOnly = await exportFrom(rotatedA, false);

    const b = await vault(newKey);
    await importInto(b, full.bundle, full.accessKeys);
    const onB = await withKs(b, (ks) => checkShare(old.words[1] ?? '', ks));
    expect(onB).toMatchObject({ genuine: true, ceremonyId: old.id, match: { custodian: 'Ben', supersededAt: expect.any(String) as unknown } });

    const c = await vault(newKey);
    await importInto(c, publicOnly.bundle, publicOnly.accessKeys);
    await withKs(c, (ks) => {
      expect(checkShare(old.words[1] ?? '', ks).genuine).toBe(false);
      expect(vaultInfo(ks).ceremonies).toEqual([expect.objectContaining({ id: old.id, supersededAt: expect.any(String) as unknown })]);
    });
  });

  it('a ceremony of another vault is kept as history, but its sheets are not genuine under this master key', async () => {
    const a = await vault();
    const made = await ceremony(a);
    const exported = await exportFrom(a);
    const other = await vault();
    const report = await importInto(other, exported.bundle, exported.accessKeys);
    expect(report.vault).toMatchObject({ sourceVault: vaultFingerprintOf(a.masterKey), sameVault: false, ceremonies: [made.id] });
    await withKs(other, (ks) => {
      expect(checkShare(made.words[0] ?? '', ks)).toMatchObject({ genuine: false, match: null });
      expect(vaultInfo(ks).ceremonies.map((c) => c.id)).toEqual([made.id]);
    });
  });

  it("another vault's superseded ceremony brings no tag key that could call its sheets genuine here", async () => {
    const a = await vault();
    const old = await ceremony(a);
    const newKey = generateMasterKey();
    await withKs(a, (ks) => rotateMasterKey(ks, { newMasterKey: newKey, rewrappers: new Map() }));
    const full = await exportFrom({ ...a, masterKey: newKey }, true);
    // A host with a master key of its own: the bundle's tag key is sealed under the source's key, so it does not open here.
    const other = await vault();
    const report = await importInto(other, full.bundle, full.accessKeys);
    expect(report.vault).toMatchObject({ ceremonies: [old.id], unverifiedTagKeys: [old.id] });
    await withKs(other, (ks) => {
      expect(checkShare(old.words[1] ?? '', ks)).toMatchObject({ genuine: false, match: null });
      expect(vaultInfo(ks).ceremonies).toEqual([expect.objectContaining({ id: old.id, supersededAt: expect.any(String) as unknown })]);
    });
  });

  it('the vault name is adopted by a keystore without one, and kept by a keystore that has one', async () => {
    const key = generateMasterKey();
    const a = await vault(key, 'Payments prod');
    const exported = await exportFrom(a);
    const unnamed = await vault(key);
    const named = await vault(key, 'Restore host');
    expect((await importInto(unnamed, exported.bundle, exported.accessKeys)).vault?.adoptedName).toBe('Payments prod');
    expect((await importInto(named, exported.bundle, exported.accessKeys)).vault?.adoptedName).toBeNull();
    expect(await withKs(unnamed, (ks) => ks.vaultName())).toBe('Payments prod');
    expect(await withKs(named, (ks) => ks.vaultName())).toBe('Restore host');
  });

  it('a master-key rotation changes the vault fingerprint and stores the new one for a locked listing', async () => {
    const a = await vault();
    const next = generateMasterKey();
    const result = await withKs(a, (ks) => rotateMasterKey(ks, { newMasterKey: next, rewrappers: new Map() }));
    expect(result).toMatchObject({ previousVaultFingerprint: vaultFingerprintOf(a.masterKey), vaultFingerprint: vaultFingerprintOf(next) });
    const db = new Database(a.path, { readonly: true });
    expect((db.prepare('SELECT vault_fingerprint FROM keystore').get() as { vault_fingerprint: string }).vault_fingerprint).toBe(vaultFingerprintOf(next));
    db.close();
    expect(await withKs({ ...a, masterKey: next }, (ks) => ks.vaultFingerprint())).toBe(vaultFingerprintOf(next));
  });
});

describe('ceremony ids', () => {
  it('a new split never reuses an identifier the vault has recorded', async () => {
    const all = new Set(Array.from({ length: 0x8000 }, (_, i) => i));
    all.delete(12345);
    expect(freshIdentifier(all)).toBe(12345);
    all.add(12345);
    expect(() => freshIdentifier(all)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));

    const a = await vault();
    const first = await ceremony(a);
    const second = await ceremony(a);
    const ids = await withKs(a, (ks) => ks.internal('read', (ctx) => listCeremonies(ctx.db).map((c) => [c.id, c.identifier, c.tagScheme])));
    expect(ids).toEqual(expect.arrayContaining([[first.id, Number(first.id), 2], [second.id, Number(second.id), 2]]));
    expect(first.id).not.toBe(second.id);

    // Every identifier but one recorded (as history, say): the split must take that one.
    const free = 777;
    await withKs(a, (ks) =>
      ks.internal('write', (ctx) => {
        const insert = ctx.db.prepare(
          `INSERT INTO paper_ceremonies (id, created_at, identifier, group_threshold, groups, iteration_exponent, extendable, passphrase_used, vault_fingerprint, master_key_check, tag_scheme)
           VALUES (?, '2025-01-01T00:00:00.000Z', ?, 1, '[{"threshold":1,"count":1}]', 1, 1, 0, 'x', 'y', 2)`,
        );
        for (let i = 0; i < 0x8000; i++) if (i !== free && i !== Number(first.id) && i !== Number(second.id)) insert.run(`h${i}`, i);
      }),
    );
    const made = await withKs(a, (ks) => splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], custodians: [] }));
    expect(made.record).toMatchObject({ identifier: free, id: String(free) });
  });
});
