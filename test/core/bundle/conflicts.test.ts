import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { importBundle } from '../../../src-main/core/bundle/import.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { makeVault } from '../../helpers/keystore.js';
import { CLIENT, expectCode, exportFrom, fileState, importInto, listAll, sourceVault, withOpen } from './helpers.js';

/** A restore host that already holds one of the source's keys (same name, different material) and one of its own. */
async function overlapping() {
  const source = await sourceVault();
  const exported = await exportFrom(source, { selection: { clientIds: [CLIENT], names: [] } });
  const target = await makeVault();
  await withOpen(target, (ks) => {
    ks.generate([{ scope: 'client', clientId: CLIENT, purposes: ['storage', 'hmac'] }, { scope: 'client', clientId: 'local-svc' }]);
    ks.rotate(`${CLIENT}_hmac`);
    ks.rotate(`${CLIENT}_hmac`);
  });
  return { source, exported, target, sourceList: (await listAll(source)).filter((k) => k.clientId === CLIENT), targetBefore: await listAll(target) };
}

describe('--on-conflict', () => {
  it('fail (the default): KEY_EXISTS naming every clashing key, and nothing written', async () => {
    const { exported, target } = await overlapping();
    const before = fileState(target.path);
    const error = await expectCode(() => importInto(target, exported.bundle, exported.accessKeys), 'KEY_EXISTS');
    expect(error.message).toContain(`2 key(s)`);
    expect(error.message).toContain(`${CLIENT}_storage`);
    expect(error.message).toContain(`${CLIENT}_hmac`);
    expect(fileState(target.path)).toEqual(before);
  });

  it('skip: existing keys stay exactly as they were, the others are imported', async () => {
    const { exported, target, sourceList, targetBefore } = await overlapping();
    const report = await importInto(target, exported.bundle, exported.accessKeys, 'skip');
    expect(report).toMatchObject({ keys: 4, skipped: 2, replaced: 0 });
    const after = await listAll(target);
    const clashing = new Set([`${CLIENT}_storage`, `${CLIENT}_hmac`]);
    expect(after.filter((k) => clashing.has(k.name))).toEqual(targetBefore.filter((k) => clashing.has(k.name)));
    expect(after.filter((k) => k.clientId === CLIENT && !clashing.has(k.name))).toEqual(sourceList.filter((k) => !clashing.has(k.name)));
    expect(after.filter((k) => k.clientId === 'local-svc')).toEqual(targetBefore.filter((k) => k.clientId === 'local-svc'));
  });

  it('replace: the bundle\'s versions replace the existing key entirely; other keys are untouched', async () => {
    const { exported, target, sourceList, targetBefore } = await overlapping();
    expect(targetBefore.filter((k) => k.name === `${CLIENT}_hmac`).length).toBe(3);
    const db = new Database(target.path, { readonly: true });
    const replacedSeals = db.prepare('SELECT v.sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name IN (?, ?)').pluck().all(`${CLIENT}_hmac`, `${CLIENT}_storage`) as Buffer[];
    db.close();
    expect(replacedSeals.length).toBe(4);
    // The replaced material is gone from the file and its WAL while the keystore is still open, as
    // the app keeps it (closing checkpoints anyway): secure_delete zeroes the freed cells, and the
    // import checkpoints, so the old pages are not left in the main file either.
    const report = await withOpen(target, (ks) => {
      const reader = new BundleReader(exported.bundle);
      try {
        const imported = importBundle(ks, reader, readAccessKeysFile(exported.accessKeys), { onConflict: 'replace' });
        const files = [target.path, `${target.path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
        for (const sealed of replacedSeals) for (const file of files) expect(file.includes(sealed)).toBe(false);
        return imported;
      } finally {
        reader.close();
      }
    });
    expect(report).toMatchObject({ keys: 6, skipped: 0, replaced: 2 });
    const after = await listAll(target);
    expect(after.filter((k) => k.clientId === CLIENT)).toEqual(sourceList);
    expect(after.filter((k) => k.name === `${CLIENT}_hmac`).map((k) => k.version)).toEqual([1, 2]);
    expect(after.filter((k) => k.clientId === 'local-svc')).toEqual(targetBefore.filter((k) => k.clientId === 'local-svc'));
    const { checkKeystore } = await import('../../../src-main/core/check/check.js');
    expect((await withOpen(target, (ks) => checkKeystore(ks))).problems).toEqual([]);
  });

  it('replace still rolls everything back when the bundle turns out to be damaged at its end', async () => {
    const { exported, target } = await overlapping();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(exported.bundle);
    writeFileSync(exported.bundle, bytes.subarray(0, bytes.length - 1));
    const before = fileState(target.path);
    await expectCode(() => importInto(target, exported.bundle, exported.accessKeys, 'replace'), 'BUNDLE_TRUNCATED');
    expect(fileState(target.path)).toEqual(before);
  });
});
