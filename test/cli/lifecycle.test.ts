import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { KeyDetail, KeyInfo } from '../../shared/keys.js';
import { expectJsonError, expectOk, expectTextError, fileContains, initVault, json, snapshot, withDb, withUnlockNotes, type CliVault } from './fixtures.js';

async function vaultWithStorageKey(): Promise<CliVault> {
  const vault = await initVault();
  expectOk(await vault.run(['keys', 'generate', '--client-id', 'orders', '--purpose', 'storage', '--purpose', 'hmac']));
  return vault;
}

async function versions(vault: CliVault, name: string): Promise<Array<Pick<KeyInfo, 'version' | 'state'>>> {
  const all = json<KeyInfo[]>(expectOk(await vault.run(['keys', 'list', '--all-versions', '--json'])));
  return all.filter((k) => k.name === name).map((k) => ({ version: k.version, state: k.state }));
}

async function show(vault: CliVault, name: string): Promise<KeyDetail> {
  return json<KeyDetail>(expectOk(await vault.run(['keys', 'show', name, '--json'])));
}

function sealedOf(vault: CliVault, name: string, version: number): Buffer {
  return withDb(vault.path, (db) => {
    const row = db.prepare('SELECT v.sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = ? AND v.version = ?').get(name, version) as
      | { sealed: Buffer | null }
      | undefined;
    if (!row?.sealed) throw new Error(`no sealed record for ${name} v${version}`);
    return row.sealed;
  });
}

describe('custos keys rotate', () => {
  it('makes version 2 current and active; version 1 stays as rotated', async () => {
    const vault = await vaultWithStorageKey();
    const before = await show(vault, 'orders_storage');
    const rotated = json<KeyInfo>(expectOk(await vault.run(['keys', 'rotate', 'orders_storage', '--json'])));
    expect(rotated).toMatchObject({ name: 'orders_storage', version: 2, state: 'active', purpose: 'storage', clientId: 'orders' });
    expect(rotated.fingerprint).not.toBe(before.versions[0]?.fingerprint);
    expect(await versions(vault, 'orders_storage')).toEqual([
      { version: 1, state: 'rotated' },
      { version: 2, state: 'active' },
    ]);
    // without --all-versions, only the current version is listed
    const current = json<KeyInfo[]>(expectOk(await vault.run(['keys', 'list', '--client-id', 'orders', '--purpose', 'storage', '--json'])));
    expect(current.map((k) => k.version)).toEqual([2]);
    const detail = await show(vault, 'orders_storage');
    expect(detail.currentVersion).toBe(2);
    expect(detail.versions[0]?.fingerprint).toBe(before.versions[0]?.fingerprint);
    // the other key is untouched
    expect(await versions(vault, 'orders_hmac')).toEqual([{ version: 1, state: 'active' }]);
    expect(expectOk(await vault.run(['keys', 'rotate', 'orders_hmac'])).stdout).toMatch(/^rotated orders_hmac: v2 is current \([0-9a-f]{32}\)\n$/);
  });

  it('an unknown key is KEY_NOT_FOUND and nothing changes', async () => {
    const vault = await vaultWithStorageKey();
    const before = snapshot(vault.path);
    expectTextError(await vault.run(['keys', 'rotate', 'orders_storagE']), 'KEY_NOT_FOUND');
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));
  });
});

describe('custos keys disable / enable', () => {
  it('a disabled key cannot be rotated or exported (KEY_DISABLED); enable restores it', async () => {
    const vault = await vaultWithStorageKey();
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
    const disabled = json<KeyDetail>(expectOk(await vault.run(['keys', 'disable', 'orders_storage', '--json'])));
    expect(disabled.versions.map((v) => v.state)).toEqual(['disabled', 'disabled']);

    const before = snapshot(vault.path);
    expectTextError(await vault.run(['keys', 'rotate', 'orders_storage']), 'KEY_DISABLED');
    expectJsonError(await vault.run(['keys', 'rotate', 'orders_storage', '--json']), 'KEY_DISABLED');
    expectTextError(await vault.run(['keys', 'show', 'orders_storage', '--public-pem']), 'KEY_DISABLED');
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));

    expect(expectOk(await vault.run(['keys', 'enable', 'orders_storage'])).stdout).toBe('enabled orders_storage\n');
    expect(await versions(vault, 'orders_storage')).toEqual([
      { version: 1, state: 'rotated' },
      { version: 2, state: 'active' },
    ]);
    const rotated = json<KeyInfo>(expectOk(await vault.run(['keys', 'rotate', 'orders_storage', '--json'])));
    expect(rotated.version).toBe(3);
    expectOk(await vault.run(['keys', 'show', 'orders_storage', '--public-pem']));
  });

  it('disabling one key leaves the others usable', async () => {
    const vault = await vaultWithStorageKey();
    expectOk(await vault.run(['keys', 'disable', 'orders_hmac']));
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
    expect(await versions(vault, 'orders_hmac')).toEqual([{ version: 1, state: 'disabled' }]);
  });
});

describe('custos keys destroy', () => {
  it('without --yes and without a terminal: CONFIRMATION_REQUIRED, and nothing changes', async () => {
    const vault = await vaultWithStorageKey();
    const before = snapshot(vault.path);
    const message = expectTextError(await vault.run(['keys', 'destroy', 'orders_storage']), 'CONFIRMATION_REQUIRED');
    expect(message).toContain('--yes');
    expectJsonError(await vault.run(['keys', 'destroy', 'orders_storage', '--json']), 'CONFIRMATION_REQUIRED');
    expect(snapshot(vault.path)).toEqual(before);
    expect(await versions(vault, 'orders_storage')).toEqual([{ version: 1, state: 'active' }]);
  });

  it('--yes destroys every version, removes the sealed bytes from the file, and the key can no longer be used', async () => {
    const vault = await vaultWithStorageKey();
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
    const sealed = [sealedOf(vault, 'orders_storage', 1), sealedOf(vault, 'orders_storage', 2)];
    const result = expectOk(await vault.run(['keys', 'destroy', 'orders_storage', '--yes']));
    expect(result.stdout).toBe('destroyed orders_storage\n');
    expect(await versions(vault, 'orders_storage')).toEqual([
      { version: 1, state: 'destroyed' },
      { version: 2, state: 'destroyed' },
    ]);
    for (const bytes of sealed) {
      expect(fileContains(vault.path, bytes)).toBe(false);
      expect(fileContains(`${vault.path}-wal`, bytes)).toBe(false);
    }
    // the record of what existed stays: fingerprints are still shown
    const detail = await show(vault, 'orders_storage');
    expect(detail.versions.every((v) => /^[0-9a-f]{32}$/.test(v.fingerprint))).toBe(true);
    expectTextError(await vault.run(['keys', 'rotate', 'orders_storage']), 'KEY_DESTROYED');
    expectTextError(await vault.run(['keys', 'show', 'orders_storage', '--public-pem']), 'KEY_DESTROYED');
    expectTextError(await vault.run(['keys', 'disable', 'orders_storage']), 'KEY_DESTROYED');
    // a destroyed key is not a problem for check
    const check = json<{ ok: boolean; destroyed: number; opened: number }>(expectOk(await vault.run(['check', '--json'])));
    expect(check).toMatchObject({ ok: true, destroyed: 2, opened: 1 });
  });

  it('warns when another reader keeps the old bytes in the file; the last process to close the keystore writes over them', async () => {
    const vault = await vaultWithStorageKey();
    const sealed = sealedOf(vault, 'orders_storage', 1);
    const inFiles = () => fileContains(vault.path, sealed) || fileContains(`${vault.path}-wal`, sealed);
    const reader = new Database(vault.path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM key_versions').get();
    const result = expectOk(await vault.run(['keys', 'destroy', 'orders_storage', '--yes']));
    expect(result.stdout).toBe('destroyed orders_storage\n');
    expect(result.stderr).toContain(`warning: another process (the app, or a second custos) was using ${vault.path}`);
    expect(inFiles()).toBe(true);
    reader.prepare('COMMIT').run();
    reader.close();
    // Any command then closes the keystore as its last user: SQLite checkpoints, and the bytes are gone.
    const listed = expectOk(await vault.run(['keys', 'list']));
    expect(listed.stderr).not.toContain('warning');
    expect(inFiles()).toBe(false);
  }, 30_000);

  it('--version N destroys only that older version', async () => {
    const vault = await vaultWithStorageKey();
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
    const v1 = sealedOf(vault, 'orders_storage', 1);
    const result = expectOk(await vault.run(['keys', 'destroy', 'orders_storage', '--version', '1', '--yes']));
    expect(result.stdout).toBe('destroyed orders_storage v1\n');
    expect(await versions(vault, 'orders_storage')).toEqual([
      { version: 1, state: 'destroyed' },
      { version: 2, state: 'active' },
    ]);
    expect(fileContains(vault.path, v1)).toBe(false);
    expectTextError(await vault.run(['keys', 'show', 'orders_storage', '--public-pem', '--version', '1']), 'KEY_DESTROYED');
    expectOk(await vault.run(['keys', 'show', 'orders_storage', '--public-pem', '--version', '2']));
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
  });

  it('--version of the current version is refused (INVALID_ARGUMENT, exit 2) and nothing changes', async () => {
    const vault = await vaultWithStorageKey();
    expectOk(await vault.run(['keys', 'rotate', 'orders_storage']));
    const before = snapshot(vault.path);
    const message = expectTextError(await vault.run(['keys', 'destroy', 'orders_storage', '--version', '2', '--yes']), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('current version');
    expectJsonError(await vault.run(['keys', 'destroy', 'orders_storage', '--version', '2', '--yes', '--json']), 'INVALID_ARGUMENT', 2);
    expectTextError(await vault.run(['keys', 'destroy', 'orders_storage', '--version', '7', '--yes']), 'KEY_NOT_FOUND');
    expectTextError(await vault.run(['keys', 'destroy', 'orders_storage', '--version', '0', '--yes']), 'INVALID_ARGUMENT', 2);
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));
    expect(await versions(vault, 'orders_storage')).toEqual([
      { version: 1, state: 'rotated' },
      { version: 2, state: 'active' },
    ]);
  });

  it('an unknown key is KEY_NOT_FOUND even with --yes', async () => {
    const vault = await vaultWithStorageKey();
    const before = snapshot(vault.path);
    expectJsonError(await vault.run(['keys', 'destroy', 'nobody_storage', '--yes', '--json']), 'KEY_NOT_FOUND');
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));
  });
});
