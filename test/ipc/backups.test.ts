/**
 * The Backups screen's channels through the real handler table, worker and
 * SQLite files: an export of many keys with progress at every batch, to two
 * folders main chose on two devices; a bundle opened (a dropped file only
 * suggests where main's dialog starts), inspected before its access keys,
 * verified, its conflicts named, imported; `keys:list` during the import is
 * refused at once as busy; Cancel leaves no file (export) and the target
 * byte for byte as it was (import); wrong access keys change nothing.
 *
 * KEYS: 10,000 here (the property is per batch, not per size: progress every
 * PROGRESS_EVERY (64) versions exported and every 64 KiB chunk imported); `npm run bench`
 * (test/bench/backups.bench.ts) runs the same path with 100,000 and prints the
 * longest gap between progress events in milliseconds.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/ipc.js';
import { PROGRESS_EVERY } from '../../src-main/core/bundle/export.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';
import { addKeys, clientId, fileHash } from './backupsFixture.js';

const PASS = 'correct horse battery staple';
const KEYS = Number(process.env['CUSTOS_BACKUP_TEST_KEYS'] ?? 10_000);

let h: Harness;
let stick: string;
let source: { id: string; path: string; vaultFingerprint: string };

const progressSince = (from: number, task: 'export' | 'import') =>
  h.events.slice(from).filter((e) => e.channel === 'event:progress' && (e.payload as ProgressEvent).task === task).map((e) => e.payload as ProgressEvent);
/** The measurable reports (total > 0): the final write, which has no steps, comes as one report of length unknown. */
const measured = (events: ProgressEvent[]) => events.filter((e) => e.total > 0);

/** Resolves once the worker reports progress of `task` after event number `from`: the long pass is under way. */
async function underWay(from: number, task: 'export' | 'import'): Promise<void> {
  while (!progressSince(from, task).some((p) => p.done > 0)) await new Promise((r) => setTimeout(r, 5));
}

async function newVault(name: string): Promise<{ id: string; path: string; vaultFingerprint: string }> {
  const v = await h.ok('vault:create', { name, passphrase: PASS, kdf: FAST_KDF });
  const entry = (await h.ok('vault:list', {})).vaults.find((e) => e.id === v.id);
  if (!entry) throw new Error(`vault ${name} is not listed`);
  return { id: v.id, path: entry.path, vaultFingerprint: v.vaultFingerprint };
}

/** Exports from the unlocked vault into fresh folders (bundle on this disk, access keys on the "stick"). */
async function exportTo(label: string, request: Parameters<Harness['ok']>[1] & object = { selection: { scope: 'all' }, privateKeys: true }) {
  const bundleDir = join(h.dir, `bundle-${label}`);
  const keysDir = join(stick, `keys-${label}`);
  mkdirSync(bundleDir);
  mkdirSync(keysDir);
  h.folderChoices.push({ purpose: 'backup-bundle', path: bundleDir }, { purpose: 'backup-access-keys', path: keysDir });
  return { bundleDir, keysDir, call: h.call('backups:export', request as never) };
}

beforeAll(async () => {
  h = startHarness({ suite: true });
  // A second file system, as a USB stick is (the access keys may not share the bundle's device).
  if (statSync('/dev/shm').dev === statSync(tmpdir()).dev) throw new Error('/dev/shm must be another device than the temporary folder');
  stick = mkdtempSync(join('/dev/shm', 'custos-backups-'));
  source = await newVault('source');
  await h.ok('vault:lock', {});
  await addKeys(source.path, PASS, KEYS);
  await h.ok('vault:unlock', { id: source.id, passphrase: PASS });
}, 300_000);

afterAll(async () => {
  await h?.close();
  if (stick) rmSync(stick, { recursive: true, force: true });
});

describe('backups channels', () => {
  let bundle: string;
  let accessKeys: string;

  it(`exports ${KEYS} keys to two folders on two devices, with progress every ${PROGRESS_EVERY} versions`, async () => {
    const from = h.events.length;
    const { call } = await exportTo('all');
    const result = await call;
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    expect(result.value).toMatchObject({ keys: KEYS, versions: KEYS, privateKeys: true, vault: source.vaultFingerprint });
    bundle = result.value.bundle;
    accessKeys = result.value.accessKeys;
    expect(bundle.startsWith(join(h.dir, 'bundle-all'))).toBe(true);
    expect(accessKeys.startsWith(join(stick, 'keys-all'))).toBe(true);
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    const events = measured(progressSince(from, 'export'));
    const done = events.map((e) => e.done);
    // Progress by work done, not time: never more than one batch between two events.
    for (let i = 1; i < done.length; i++) expect((done[i] ?? 0) - (done[i - 1] ?? 0)).toBeLessThanOrEqual(PROGRESS_EVERY);
    expect(done.at(-1)).toBe(KEYS);
    expect(events.length).toBeGreaterThanOrEqual(Math.floor(KEYS / PROGRESS_EVERY));
  }, 240_000);

  it('exports a selection (client id), and refuses two folders on one device', async () => {
    const one = await exportTo('one', { selection: { scope: 'filter', clientId: clientId(7), purpose: 'storage-sym' }, privateKeys: false });
    expect(await one.call).toMatchObject({ ok: true, value: { keys: 1, privateKeys: false } });
    const here = join(h.dir, 'same-a');
    const there = join(h.dir, 'same-b');
    mkdirSync(here);
    mkdirSync(there);
    h.folderChoices.push({ purpose: 'backup-bundle', path: here }, { purpose: 'backup-access-keys', path: there });
    const refused = await h.call('backups:export', { selection: { scope: 'all' }, privateKeys: true });
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(!refused.ok && refused.message).toContain('two different devices');
    expect([...readdirSync(here), ...readdirSync(there)]).toEqual([]);
    // No selection at all is refused by the contract, before any dialog.
    expect(await h.raw('backups:export', { selection: { scope: 'filter' }, privateKeys: true })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  }, 120_000);

  it('Cancel during an export leaves no file under either name', async () => {
    const from = h.events.length;
    const { bundleDir, keysDir, call } = await exportTo('cancelled');
    await underWay(from, 'export');
    expect(await h.ok('backups:cancel', {})).toEqual({ cancelled: true });
    expect(await call).toMatchObject({ ok: false, code: 'CANCELLED' });
    expect(readdirSync(bundleDir)).toEqual([]);
    expect(readdirSync(keysDir)).toEqual([]);
    expect(await h.ok('backups:cancel', {})).toEqual({ cancelled: false });
  }, 120_000);

  it('inspects a dropped bundle before asking for its access keys, then imports; keys:list meanwhile says the vault is busy', async () => {
    const target = await newVault('target');
    // The dropped path is where main's dialog starts; the file read is the one the person confirms there.
    h.fileChoices.push(bundle);
    const summary = await h.ok('backups:openBundle', { dropped: bundle });
    expect(h.fileRequests.at(-1)).toEqual({ purpose: 'import-bundle', suggested: bundle });
    expect(summary).toMatchObject({ file: bundle, keys: KEYS, versions: KEYS, privateKeys: true, sourceVault: source.vaultFingerprint, sameVault: false });

    h.fileChoices.push(accessKeys);
    const preview = await h.ok('backups:openAccessKeys', {});
    expect(h.fileRequests.at(-1)).toEqual({ purpose: 'import-access-keys', suggested: undefined });
    expect(preview).toMatchObject({ vaultName: 'source', conflicts: { count: 0, names: [] }, byPurpose: [{ purpose: 'storage-sym', keys: KEYS }] });
    expect(preview.summary.pairFingerprint).toBe(summary.pairFingerprint);

    const from = h.events.length;
    let finished = false;
    const importing = h.call('backups:import', { onConflict: 'fail' }).finally(() => (finished = true));
    await underWay(from, 'import');
    const listed = await h.call('keys:list', {});
    expect(listed).toMatchObject({ ok: false, code: 'KEYSTORE_BUSY' });
    expect(!listed.ok && listed.message).toContain('busy');
    // Refused while the import was still running, not after it.
    expect(finished).toBe(false);
    expect(await importing).toMatchObject({ ok: true, value: { keys: KEYS, versions: KEYS, skipped: 0, replaced: 0, sourceVault: source.vaultFingerprint } });
    const done = measured(progressSince(from, 'import')).map((e) => e.done);
    for (let i = 1; i < done.length; i++) expect((done[i] ?? 0) - (done[i - 1] ?? 0)).toBeLessThanOrEqual(1024);
    expect(done.at(-1)).toBe(KEYS);
    expect((await h.ok('keys:list', {})).keys).toHaveLength(KEYS);
    await h.ok('vault:lock', {});
    void target;
  }, 240_000);

  it('Cancel during an import leaves the target file exactly as before; wrong access keys too', async () => {
    const target = await newVault('cancel-target');
    await h.ok('vault:lock', {});
    await addKeys(target.path, PASS, 3);
    const before = fileHash(target.path);
    await h.ok('vault:unlock', { id: target.id, passphrase: PASS });

    // Access keys of another export (the selection above) do not open this bundle.
    const other = readdirSync(join(stick, 'keys-one')).map((f) => join(stick, 'keys-one', f));
    h.fileChoices.push(bundle, other[0] ?? '');
    await h.ok('backups:openBundle', {});
    expect(await h.call('backups:openAccessKeys', {})).toMatchObject({ ok: false, code: 'ACCESS_KEYS_MISMATCH' });
    expect(await h.call('backups:import', { onConflict: 'replace' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });

    h.fileChoices.push(accessKeys);
    const preview = await h.ok('backups:openAccessKeys', {});
    expect(preview.conflicts).toEqual({ count: 3, names: [0, 1, 2].map((i) => `${clientId(i)}_storage_sym`) });
    // "fail" with conflicts writes nothing.
    expect(await h.call('backups:import', { onConflict: 'fail' })).toMatchObject({ ok: false, code: 'KEY_EXISTS' });

    const from = h.events.length;
    const importing = h.call('backups:import', { onConflict: 'replace' });
    await underWay(from, 'import');
    expect(await h.ok('backups:cancel', {})).toEqual({ cancelled: true });
    expect(await importing).toMatchObject({ ok: false, code: 'CANCELLED' });
    await h.ok('vault:lock', {});
    expect(fileHash(target.path)).toBe(before);
  }, 240_000);

  it('a lock during an import (idle timer, sleep) cancels it first, then locks', async () => {
    const target = await newVault('lock-target');
    h.fileChoices.push(bundle, accessKeys);
    await h.ok('backups:openBundle', {});
    await h.ok('backups:openAccessKeys', {});
    const from = h.events.length;
    const importing = h.call('backups:import', { onConflict: 'fail' });
    await underWay(from, 'import');
    expect(await h.call('vault:lock', {})).toMatchObject({ ok: true });
    expect(await importing).toMatchObject({ ok: false, code: 'CANCELLED' });
    expect(await h.call('keys:list', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    await h.ok('vault:unlock', { id: target.id, passphrase: PASS });
    expect((await h.ok('keys:list', {})).keys).toEqual([]);
    await h.ok('vault:lock', {});
  }, 240_000);

  it('answers a conflict with skip: the vault keeps its own keys', async () => {
    await h.ok('vault:unlock', { id: source.id, passphrase: PASS });
    h.fileChoices.push(bundle, accessKeys);
    expect(await h.ok('backups:openBundle', {})).toMatchObject({ sameVault: true });
    const preview = await h.ok('backups:openAccessKeys', {});
    expect(preview.conflicts.count).toBe(KEYS);
    expect(preview.conflicts.names).toHaveLength(20);
    expect(await h.ok('backups:import', { onConflict: 'skip' })).toMatchObject({ keys: 0, skipped: KEYS, replaced: 0 });
    // The chosen bundle is forgotten once imported.
    expect(await h.call('backups:import', { onConflict: 'skip' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  }, 240_000);

  it('answers a conflict with replace while a custos command reads the vault: the answer says the old sealed bytes remain', async () => {
    h.fileChoices.push(bundle, accessKeys);
    await h.ok('backups:openBundle', {});
    await h.ok('backups:openAccessKeys', {});
    const reader = new Database(source.path, { readonly: true });
    try {
      reader.prepare('BEGIN').run();
      reader.prepare('SELECT count(*) FROM key_versions').get();
      // The import's checkpoint waits out the busy timeout (5 s), then stops part-way.
      expect(await h.ok('backups:import', { onConflict: 'replace' })).toMatchObject({ keys: KEYS, replaced: KEYS, oldBytesRemain: true });
    } finally {
      reader.close();
    }
    await h.ok('vault:lock', {});
  }, 240_000);
});
