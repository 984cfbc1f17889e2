import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess, runInteractive } from '../helpers/cli.js';
import { expectOk, expectTextError, initPassphraseVault, initVault, json, snapshot, withUnlockNotes } from './fixtures.js';

describe('custos master-key rotate', () => {
  it('writes the new key out, and only it opens the vault afterwards; the audit log verifies', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing', '--all']));
    const out = join(v.dir, 'new.key');
    const result = json<{ records: number; vaultFingerprint: string; previousVaultFingerprint: string; newMasterKeyFile: string }>(
      expectOk(await v.run(['master-key', 'rotate', '--new-master-key-out', out, '--yes', '--json'])),
    );
    expect(result.records).toBe(6);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const newKey = readFileSync(out, 'utf8').trim();
    expectTextError(await v.run(['keys', 'list']), 'WRONG_MASTER_KEY');
    const listed = json<Array<{ name: string }>>(expectOk(await v.run(['keys', 'list', '--json'], { CUSTOS_MASTER_KEY: newKey })));
    expect(listed).toHaveLength(6);
    expectOk(await v.run(['audit', 'verify'], { CUSTOS_MASTER_KEY: newKey }));
    const info = json<{ vaultFingerprint?: string }>(expectOk(await v.run(['info', '--json'], { CUSTOS_MASTER_KEY: newKey })));
    if (info.vaultFingerprint) expect(info.vaultFingerprint).toBe(result.vaultFingerprint);
  });

  it('says plainly that old paper shares stop working, and needs --yes or a typed confirmation', async () => {
    const v = await initVault();
    const before = snapshot(v.path);
    expectTextError(await v.run(['master-key', 'rotate', '--new-master-key-out', join(v.dir, 'k')]), 'CONFIRMATION_REQUIRED');
    // Nothing to open the vault afterwards but a key known to nobody: refused.
    expectTextError(await v.run(['master-key', 'rotate', '--yes']), 'INVALID_ARGUMENT', 2);
    const typed = await runInteractive(['master-key', 'rotate', '--new-master-key-out', join(v.dir, 'k2')], { env: v.env, answers: ['no'] });
    expect(typed.code).toBe(1);
    expect(typed.stderr).toContain('No paper ceremony is affected');
    expect(typed.stderr).toMatch(/error CONFIRMATION_REQUIRED: /);
    expect(snapshot(v.path)).toEqual(withUnlockNotes(before, v.path));
    const yes = await runInteractive(['master-key', 'rotate', '--new-master-key-out', join(v.dir, 'k3')], { env: v.env, answers: ['rotate'] });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain('rotated the master key');
  });

  it('re-wraps the passphrase method with --passphrase-file; a wrong one changes nothing', async () => {
    const v = await initPassphraseVault();
    expectOk(await v.run(['keys', 'generate', '--global', '--all']));
    const wrong = join(v.dir, 'wrong.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(wrong, 'wrong\n');
    const before = snapshot(v.path);
    const refused = await runInProcess(['master-key', 'rotate', '--keystore', v.path, '--passphrase-file', wrong, '--yes']);
    expect(refused.stderr).toMatch(/error WRONG_PASSPHRASE: /);
    // A master key alone cannot re-wrap the passphrase method: refused, unless it is dropped.
    expect(snapshot(v.path).hash).toBe(before.hash);
    const done = json<{ methods: Array<{ kind: string; action: string }> }>(expectOk(await v.run(['master-key', 'rotate', '--yes', '--json'])));
    expect(done.methods).toEqual([expect.objectContaining({ kind: 'passphrase', action: 'rewrapped' })]);
    expect(json<unknown[]>(expectOk(await v.run(['keys', 'list', '--json'])))).toHaveLength(4);
  });

  it('refuses a method it cannot re-wrap (ROTATION_METHOD_UNAVAILABLE) unless --drop-method', async () => {
    const v = await initPassphraseVault();
    const key = join(v.dir, 'given.key');
    expectOk(await runInProcess(['master-key', 'generate', '--out', key]));
    const masterOut = join(v.dir, 'old.key');
    // Learn the current master key through a paper-less path: rotate to a known key first.
    expectOk(await v.run(['master-key', 'rotate', '--new-master-key-out', masterOut, '--yes']));
    const env = { CUSTOS_MASTER_KEY: readFileSync(masterOut, 'utf8').trim(), CUSTOS_KEYSTORE: v.path };
    const before = snapshot(v.path);
    const refused = await runInProcess(['master-key', 'rotate', '--new-master-key-file', key, '--yes'], { env });
    expect(refused.stderr).toMatch(/error ROTATION_METHOD_UNAVAILABLE: .*--drop-method/);
    expect(snapshot(v.path).hash).toBe(before.hash);
    const dropped = json<{ methods: Array<{ id: number; action: string }> }>(expectOk(await runInProcess(['master-key', 'rotate', '--new-master-key-file', key, '--drop-method', '1', '--yes', '--json'], { env })));
    expect(dropped.methods).toEqual([expect.objectContaining({ id: 1, action: 'dropped' })]);
    expectOk(await runInProcess(['keys', 'list'], { env: { CUSTOS_MASTER_KEY: readFileSync(key, 'utf8').trim(), CUSTOS_KEYSTORE: v.path } }));
  });
});
