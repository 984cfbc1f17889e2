/**
 * Issue 14's named holes, each killed (or broken) at one exact step:
 * strace injects SIGKILL at the Nth call of a syscall, so each crash happens
 * at the same place every run. Each test failed on the code before its fix.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, BIN, runBin } from '../helpers/cli.js';
import { runKilledAt, straceUnavailable } from '../helpers/strace.js';
import { makeVault } from '../helpers/keystore.js';
import { caughtCustosError } from '../helpers/errorCode.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { seedKeys, vaultEnv } from './seed.js';

const skip = straceUnavailable();
if (skip) console.warn(`crash regression tests skipped: ${skip}`);

beforeAll(() => ensureBuilt(), 120_000);

/** Files in `dir` other than the keystore's own folder. */
const listing = (dir: string) => readdirSync(dir).filter((name) => name !== 'vault').sort();

describe.skipIf(skip !== null)('a crash between the steps of an export, a rotation', () => {
  it('export killed between publishing its two files: after the next command, both files are in place or neither, and the audit log agrees', async () => {
    const v = await makeVault();
    await seedKeys(v, 8);
    const env = vaultEnv(v);
    const killed = await runKilledAt(['export', '--all', '--private-keys', '--bundle', 'b.bundle', '--access-keys', 'b.keys'], { syscalls: 'link,linkat', when: 2 }, { cwd: v.dir, env });
    expect(killed.killed, killed.stderr).toBe(true);
    // Any command that opens the keystore settles an export that was cut short.
    const verify = await runBin(['audit', 'verify', '--json'], { cwd: v.dir, env });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const files = listing(v.dir);
    const exported = await exportEntries(v.path, v.masterKey);
    if (files.includes('b.bundle') || files.includes('b.keys')) {
      expect(files).toEqual(['b.bundle', 'b.keys']);
      expect(exported).toBe(1);
    } else {
      expect(files).toEqual([]);
      expect(exported).toBe(0);
    }
    // And the same export runs again to completion.
    const again = await runBin(['export', '--all', '--private-keys', '--bundle', 'c.bundle', '--access-keys', 'c.keys'], { cwd: v.dir, env });
    expect(again.code, again.stderr).toBe(0);
    const imported = await runBin(['bundle', 'inspect', '--bundle', 'c.bundle', '--access-keys', 'c.keys', '--json'], { cwd: v.dir, env });
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
  });

  it('master-key rotate killed at its first unlink: a key file under the name asked for always opens the vault', async () => {
    const v = await makeVault();
    await seedKeys(v, 8);
    const env = vaultEnv(v);
    const killed = await runKilledAt(['master-key', 'rotate', '--new-master-key-out', 'new.key', '--yes'], { syscalls: 'unlink,unlinkat', when: 1 }, { cwd: v.dir, env });
    expect(killed.killed, killed.stderr).toBe(true);
    const opensWith = async (key: string) => (await runBin(['keys', 'list', '--json'], { cwd: v.dir, env: { ...env, CUSTOS_MASTER_KEY: key } })).code === 0;
    const oldOpens = await opensWith(env.CUSTOS_MASTER_KEY);
    if (existsSync(join(v.dir, 'new.key'))) expect(await opensWith(readFileSync(join(v.dir, 'new.key'), 'utf8').trim())).toBe(true);
    // Killed after the commit but before the key was put in place: it waits under the pending name.
    else if (!oldOpens) expect(await opensWith(readFileSync(join(v.dir, 'new.key.pending'), 'utf8').trim())).toBe(true);
  });

  it('master-key rotate killed as it publishes the key file: the committed key is in new.key.pending, and the next rotation says so', async () => {
    const v = await makeVault();
    await seedKeys(v, 8);
    const env = vaultEnv(v);
    const killed = await runKilledAt(['master-key', 'rotate', '--new-master-key-out', 'new.key', '--yes'], { syscalls: 'link,linkat', when: 1 }, { cwd: v.dir, env });
    expect(killed.killed, killed.stderr).toBe(true);
    expect(existsSync(join(v.dir, 'new.key'))).toBe(false);
    const pending = readFileSync(join(v.dir, 'new.key.pending'), 'utf8').trim();
    // Killed after the commit: the pending key is the one that opens the vault now.
    expect((await runBin(['keys', 'list'], { cwd: v.dir, env: { ...env, CUSTOS_MASTER_KEY: pending } })).code).toBe(0);
    const again = await runBin(['master-key', 'rotate', '--new-master-key-out', 'new.key', '--yes', '--json'], { cwd: v.dir, env: { ...env, CUSTOS_MASTER_KEY: pending } });
    expect(JSON.parse(again.stdout).code).toBe('FILE_EXISTS');
    expect(JSON.parse(again.stdout).message).toMatch(/new\.key\.pending.*interrupted/);
  });
});

describe('two writers', () => {
  it('a session opened before another process rotated the master key gets MASTER_KEY_CHANGED, not AUDIT_TAMPERED, and writes nothing', async () => {
    const v = await makeVault();
    await seedKeys(v, 4);
    const stale = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(v.masterKey) });
    try {
      const env = vaultEnv(v);
      const rotated = await runBin(['master-key', 'rotate', '--new-master-key-out', 'new.key', '--yes'], { cwd: v.dir, env });
      expect(rotated.code, rotated.stderr).toBe(0);
      const before = stale.list().length;
      expect(caughtCustosError(() => stale.generate([{ scope: 'client', clientId: 'late-writer', purposes: ['hmac'] }])).code).toBe('MASTER_KEY_CHANGED');
      const check = new Database(v.path, { readonly: true });
      expect((check.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n).toBe(before);
      check.close();
    } finally {
      stale.close();
    }
  });

  it('keys generate started 0.2 s after a master-key rotate: waits, then a code that says what happened (never AUDIT_TAMPERED or KEYSTORE_IO); the log verifies', async () => {
    const v = await makeVault();
    await seedKeys(v, 4000);
    const env = vaultEnv(v);
    const rotating = runBin(['master-key', 'rotate', '--new-master-key-out', 'new.key', '--yes', '--json'], { cwd: v.dir, env, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 200));
    const late = await runBin(['keys', 'generate', '--client-id', 'late-writer', '--purpose', 'hmac', '--json'], { cwd: v.dir, env, timeoutMs: 60_000 });
    const rotated = await rotating;
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    // Done before the rotation took the lock (0), or told the key changed, or that it no longer opens it, or to retry.
    if (late.code !== 0) expect(['MASTER_KEY_CHANGED', 'WRONG_MASTER_KEY', 'KEYSTORE_IN_USE']).toContain(JSON.parse(late.stdout).code);
    const newKey = readFileSync(join(v.dir, 'new.key'), 'utf8').trim();
    const verify = await runBin(['audit', 'verify'], { cwd: v.dir, env: { ...env, CUSTOS_MASTER_KEY: newKey } });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 90_000);

  it('a writer that cannot get the write lock in time says KEYSTORE_IN_USE (retry), not KEYSTORE_IO', async () => {
    const v = await makeVault();
    const env = vaultEnv(v);
    const holder = new Database(v.path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const blocked = await runBin(['keys', 'generate', '--client-id', 'blocked', '--purpose', 'hmac', '--json'], { cwd: v.dir, env, timeoutMs: 30_000 });
      expect(JSON.parse(blocked.stdout).code).toBe('KEYSTORE_IN_USE');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const after = await runBin(['keys', 'generate', '--client-id', 'blocked', '--purpose', 'hmac'], { cwd: v.dir, env });
    expect(after.code, after.stderr).toBe(0);
  }, 40_000);
});

describe('a closed pipe', () => {
  it('custos keys list | head -1 ends quietly with exit 0', async () => {
    const v = await makeVault();
    // More than a pipe's 64 KiB of listing, so custos is still writing when head has gone.
    await seedKeys(v, 1200);
    const env = vaultEnv(v);
    let status = 0;
    let stderr = '';
    let stdout = '';
    try {
      stdout = execFileSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" keys list | head -1`], { cwd: v.dir, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { status: number; stderr: string };
      status = e.status;
      stderr = e.stderr;
    }
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^NAME\s/);
  });
});

async function exportEntries(path: string, masterKey: Uint8Array): Promise<number> {
  void masterKey;
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE operation = 'export'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}
