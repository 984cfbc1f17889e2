import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeVault } from '../../helpers/keystore.js';
import { sha256File, tempDir } from '../../helpers/tmp.js';
import { expectCode, exportFrom, sourceVault, withOpen } from './helpers.js';

const partials = (dir: string) => readdirSync(dir).filter((f) => f.includes('.partial-'));

describe('output files', () => {
  it('an existing bundle or access-keys file is never overwritten without force, and neither file is written', async () => {
    const source = await sourceVault();
    const first = await exportFrom(source);
    const bundleBefore = sha256File(first.bundle);
    const keysBefore = sha256File(first.accessKeys);
    const opts = (bundle: string, accessKeys: string) => ({ bundlePath: join(first.dir, bundle), accessKeysPath: join(first.dir, accessKeys), selection: { all: true } as const, privateKeys: true });
    const { exportBundle } = await import('../../../src-main/core/bundle/export.js');
    await withOpen(source, async (ks) => {
      await expectCode(() => exportBundle(ks, opts('keys.bundle', 'new.access.json')), 'FILE_EXISTS');
      await expectCode(() => exportBundle(ks, opts('new.bundle', 'keys.access.json')), 'FILE_EXISTS');
    });
    expect(readdirSync(first.dir).sort()).toEqual(['keys.access.json', 'keys.bundle']);
    expect([sha256File(first.bundle), sha256File(first.accessKeys)]).toEqual([bundleBefore, keysBefore]);
  });

  it('with force both are replaced, still 0600, by a new pair', async () => {
    const source = await sourceVault();
    const first = await exportFrom(source);
    writeFileSync(first.bundle, 'old', { mode: 0o644 });
    const { exportBundle } = await import('../../../src-main/core/bundle/export.js');
    const second = await withOpen(source, (ks) => exportBundle(ks, { bundlePath: first.bundle, accessKeysPath: first.accessKeys, selection: { all: true }, privateKeys: true, force: true }));
    expect(second.pairFingerprint).not.toBe(first.pairFingerprint);
    for (const path of [first.bundle, first.accessKeys]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(first.dir).sort()).toEqual(['keys.access.json', 'keys.bundle']);
  });

  it('a failure in the middle of an export (a tampered record) leaves neither file nor any temporary file', async () => {
    const source = await sourceVault();
    const db = new Database(source.path);
    const row = db.prepare("SELECT rowid, sealed FROM key_versions WHERE key_id = (SELECT id FROM keys WHERE name = 'poison_key')").get() as { rowid: number; sealed: Buffer };
    row.sealed[30] = (row.sealed[30] ?? 0) ^ 1;
    db.prepare('UPDATE key_versions SET sealed = ? WHERE rowid = ?').run(row.sealed, row.rowid);
    db.close();
    const dir = tempDir();
    const error = await expectCode(() => exportFrom(source, { bundlePath: join(dir, 'keys.bundle'), accessKeysPath: join(dir, 'keys.access.json') }), 'KEY_RECORD_TAMPERED');
    expect(error.message).toContain('poison_key');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unknown key or client id fails before anything is written', async () => {
    const source = await sourceVault();
    const dir = tempDir();
    const selection = { clientIds: ['nobody-svc'], names: ['no_such_key'] };
    const error = await expectCode(() => exportFrom(source, { selection, bundlePath: join(dir, 'keys.bundle'), accessKeysPath: join(dir, 'keys.access.json') }), 'KEY_NOT_FOUND');
    expect(error.message).toContain('no_such_key');
    expect(error.message).toContain('nobody-svc');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses one path for both files, and refuses to write over the keystore even with force', async () => {
    const source = await sourceVault();
    await expectCode(() => exportFrom(source, { bundlePath: '/tmp/same-file', accessKeysPath: '/tmp/same-file' }), 'INVALID_ARGUMENT');
    const before = sha256File(source.path);
    await expectCode(() => exportFrom(source, { bundlePath: source.path, force: true }), 'INVALID_ARGUMENT');
    await expectCode(() => exportFrom(source, { accessKeysPath: `${source.path}-wal`, force: true }), 'INVALID_ARGUMENT');
    expect(sha256File(source.path)).toBe(before);
  });

  it('a process killed in the middle of an export leaves no bundle under the final name', async () => {
    const source = await makeVault();
    await withOpen(source, (ks) => ks.generate(Array.from({ length: 200 }, (_, i) => ({ scope: 'client' as const, clientId: `client-${String(i).padStart(4, '0')}` }))));
    const out = join(source.dir, 'out');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    const script = fileURLToPath(new URL('./crashExport.fixture.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, source.path, Buffer.from(source.masterKey).toString('hex'), join(out, 'keys.bundle'), join(out, 'keys.access.json')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(existsSync(join(out, 'keys.bundle'))).toBe(false);
    expect(existsSync(join(out, 'keys.access.json'))).toBe(false);
    // What a crash leaves is a temporary file that no import would take for a bundle.
    const left = partials(out);
    expect(left.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, left.find((f) => f.startsWith('.keys.bundle'))!)).length).toBeGreaterThan(1024);
    expect(partials(out).every((f) => f.startsWith('.'))).toBe(true);
  });
});
