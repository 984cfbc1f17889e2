import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/keys.js';
import { ensureBuilt, runBin } from '../helpers/cli.js';
import { sha256File, tempDir } from '../helpers/tmp.js';
import { CLIENT_NAMES, expectJsonError, expectOk, expectTextError, json } from './fixtures.js';

/** The real package bin, in a child process with a clean environment, running the compiled dist/. */
describe('the custos bin', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 120_000);

  it('--help exits 0 and lists the commands', async () => {
    const result = expectOk(await runBin(['--help'], { cwd: tempDir() }));
    expect(result.stdout).toMatch(/^Usage: custos /);
    for (const command of ['master-key', 'init', 'info', 'keys', 'check']) expect(result.stdout).toContain(command);
    expect(result.stderr).toBe('');
  });

  it('master-key generate, init in ./custos.db, keys generate, keys list', async () => {
    const cwd = tempDir();
    const key = expectOk(await runBin(['master-key', 'generate'], { cwd })).stdout.trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    const env = { CUSTOS_MASTER_KEY: key };

    const created = json<{ path: string }>(expectOk(await runBin(['init', '--json'], { cwd, env })));
    expect(created.path).toBe(join(cwd, 'custos.db'));
    expect(statSync(join(cwd, 'custos.db')).mode & 0o777).toBe(0o600);

    expectOk(await runBin(['keys', 'generate', '--client-id', 'billing-svc', '--all'], { cwd, env }));
    const listed = json<KeyInfo[]>(expectOk(await runBin(['keys', 'list', '--json'], { cwd, env })));
    expect(listed.map((k) => k.name).sort()).toEqual(CLIENT_NAMES('billing-svc').sort());
    expect(expectOk(await runBin(['check'], { cwd, env })).stdout).toMatch(/^ok: 6 records opened/);
  });

  it('an empty CUSTOS_KEYSTORE means the default ./custos.db, not the current folder', async () => {
    const cwd = tempDir();
    const env = { CUSTOS_MASTER_KEY: Buffer.alloc(32, 6).toString('base64'), CUSTOS_KEYSTORE: '' };
    const created = json<{ path: string }>(expectOk(await runBin(['init', '--json'], { cwd, env })));
    expect(created.path).toBe(join(cwd, 'custos.db'));
    expectOk(await runBin(['info'], { cwd, env }));
  });

  it('exit status: 1 for a failure, 2 for a usage error, and the keystore untouched', async () => {
    const cwd = tempDir();
    const env = { CUSTOS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    expectOk(await runBin(['init'], { cwd, env }));
    const hash = sha256File(join(cwd, 'custos.db'));
    const wrongEnv = { CUSTOS_MASTER_KEY: Buffer.alloc(32, 8).toString('base64') };
    expectTextError(await runBin(['keys', 'generate', '--global', '--all'], { cwd, env: wrongEnv }), 'WRONG_MASTER_KEY', 1);
    expectJsonError(await runBin(['keys', 'list', '--json'], { cwd, env: wrongEnv }), 'WRONG_MASTER_KEY', 1);
    expectTextError(await runBin(['keys', 'generate', '--all'], { cwd, env }), 'INVALID_ARGUMENT', 2);
    expect(sha256File(join(cwd, 'custos.db'))).toBe(hash);
  });

  it('destroy without --yes and without a terminal refuses (stdin is not a TTY)', async () => {
    const cwd = tempDir();
    const env = { CUSTOS_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') };
    expectOk(await runBin(['init'], { cwd, env }));
    expectOk(await runBin(['keys', 'generate', '--global', '--purpose', 'auth'], { cwd, env }));
    expectTextError(await runBin(['keys', 'destroy', 'auth_key'], { cwd, env, stdin: 'auth_key\n' }), 'CONFIRMATION_REQUIRED', 1);
  });
});
