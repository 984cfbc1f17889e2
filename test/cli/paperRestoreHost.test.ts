import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSecret } from '../../src-main/core/paper/slip39/index.js';
import { masterKeyCheck } from '../../src-main/core/masterkey/subkeys.js';
import { runInProcess, runInteractive } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, expectTextError, FAST_KDF_FLAGS, initVault, json, type CliVault } from './fixtures.js';

/**
 * The restore host: shares of a real vault's master key (made by the SLIP-0039 core, as a
 * split would; the printed path is tested in paper.test.ts), a bundle that vault exported,
 * and a host with no keystore. Every command runs through the real CLI and real SQLite files.
 */
async function ceremony(): Promise<{ v: CliVault; shares: string[]; check: string; bundle: string; accessKeys: string; host: string }> {
  const v = await initVault();
  expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
  const bundle = join(v.dir, 'keys.bundle');
  const accessKeys = join(v.dir, 'keys.access.json');
  expectOk(await v.run(['export', '--all', '--private-keys', '--bundle', bundle, '--access-keys', accessKeys]));
  // A copy: splitSecret's Feistel network slices its input, and Buffer.slice is a view (it would wipe v.keyBytes).
  const shares = splitSecret({ secret: new Uint8Array(v.keyBytes), groupThreshold: 1, groups: [{ threshold: 2, count: 3 }] })[0] ?? [];
  return { v, shares, check: masterKeyCheck(v.keyBytes), bundle, accessKeys, host: tempDir() };
}

/** What a restore host sees: no CUSTOS_MASTER_KEY, no keystore but the one it is told about. */
const hostRun = (argv: readonly string[], stdin?: string) => runInProcess(argv, { env: {}, ...(stdin === undefined ? {} : { stdin }) });
const keyNames = (stdout: string) => (JSON.parse(stdout) as Array<{ name: string }>).map((k) => k.name).sort();

describe('paper restore --init leaves the operator able to go on', () => {
  it('--passphrase-file sets the new keystore passphrase, and the named next command imports the bundle with it', async () => {
    const c = await ceremony();
    const restored = join(c.host, 'custos.db');
    const pass = join(c.host, 'new-pass.txt');
    writeFileSync(pass, 'restore host passphrase\n');
    const made = json<{ unlock: string[]; next: string }>(
      expectOk(await hostRun(['paper', 'restore', '--shares-stdin', '--init', '--keystore', restored, '--expect-check', c.check, '--passphrase-file', pass, ...FAST_KDF_FLAGS, '--json'], `${c.shares[0]}\n${c.shares[2]}\n`)),
    );
    expect(made.unlock).toEqual(['passphrase']);
    expect(made.next).toBe(`custos import --keystore ${restored} --passphrase-file ${pass} --bundle BUNDLE --access-keys ACCESS_KEYS`);
    // The closing message's command, run as written (its two placeholders filled in): no shares typed again.
    const argv = made.next.replace('BUNDLE', c.bundle).replace('ACCESS_KEYS', c.accessKeys).split(' ').slice(1);
    expectOk(await hostRun(argv));
    const source = keyNames(expectOk(await c.v.run(['keys', 'list', '--json'])).stdout);
    expect(keyNames(expectOk(await hostRun(['keys', 'list', '--keystore', restored, '--passphrase-file', pass, '--json'])).stdout)).toEqual(source);
    expect(source.length).toBeGreaterThan(0);
  });

  it('--master-key-out writes the key (0600, never over a file) and import opens the keystore with --master-key-file', async () => {
    const c = await ceremony();
    const restored = join(c.host, 'custos.db');
    const keyFile = join(c.host, 'master.key');
    const text = expectOk(await hostRun(['paper', 'restore', '--shares-stdin', '--init', '--keystore', restored, '--expect-check', c.check, '--master-key-out', keyFile], `${c.shares[1]}\n${c.shares[2]}\n`)).stdout;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(c.v.key);
    expect(text).toContain(`custos import --keystore ${restored} --master-key-file ${keyFile} --bundle BUNDLE --access-keys ACCESS_KEYS`);
    expectOk(await hostRun(['import', '--keystore', restored, '--master-key-file', keyFile, '--bundle', c.bundle, '--access-keys', c.accessKeys]));
    expectOk(await hostRun(['check', '--keystore', restored, '--master-key-file', keyFile]));

    // An existing key file is never overwritten, and then no keystore is made either.
    const second = join(c.host, 'second.db');
    expectTextError(await hostRun(['paper', 'restore', '--shares-stdin', '--init', '--keystore', second, '--expect-check', c.check, '--master-key-out', keyFile], `${c.shares[0]}\n${c.shares[1]}\n`), 'FILE_EXISTS');
    expect(existsSync(second)).toBe(false);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(c.v.key);
  });

  it('with neither a passphrase nor --master-key-out, and no terminal, refuses before reading a share and names both', async () => {
    const c = await ceremony();
    const restored = join(c.host, 'custos.db');
    const message = expectTextError(await hostRun(['paper', 'restore', '--shares-stdin', '--init', '--keystore', restored, '--expect-check', c.check], `${c.shares[0]}\n${c.shares[1]}\n`), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('--passphrase-file');
    expect(message).toContain('--master-key-out');
    expect(readdirSync(c.host)).toEqual([]);
  });

  it('at a terminal asks the new passphrase twice, after the shares and the key check', async () => {
    const c = await ceremony();
    const restored = join(c.host, 'custos.db');
    // Typed restore stops asking at the quorum (2 of 3 here).
    const answers = [c.shares[0] ?? '', c.shares[1] ?? '', c.check.toUpperCase(), 'typed at the host', 'typed at the host'];
    const result = await runInteractive(['paper', 'restore', '--init', '--keystore', restored, ...FAST_KDF_FLAGS], { env: {}, answers });
    expect(result.code, result.stderr).toBe(0);
    expect(result.prompts.filter((p) => /passphrase/i.test(p.question)).map((p) => p.hidden)).toEqual([true, true]);
    const pass = join(c.host, 'pass.txt');
    writeFileSync(pass, 'typed at the host');
    expectOk(await hostRun(['import', '--keystore', restored, '--passphrase-file', pass, '--bundle', c.bundle, '--access-keys', c.accessKeys]));
  });
});

describe('paper restore on a host with no keystore, and with no mode', () => {
  it('--verify with no keystore says to use --init, never custos init', async () => {
    const c = await ceremony();
    const missing = join(c.host, 'custos.db');
    const message = expectTextError(await hostRun(['paper', 'restore', '--shares-stdin', '--verify', '--keystore', missing], `${c.shares[0]}\n${c.shares[1]}\n`), 'KEYSTORE_NOT_FOUND');
    expect(message).toContain(`custos paper restore --shares-stdin --init --keystore ${missing} --expect-check KEY-CHECK`);
    expect(message).not.toMatch(/custos init/);
    expect(existsSync(missing)).toBe(false);
  });

  it('with no mode recovers the key, shows its fingerprint and key check, writes nothing, and names the next commands', async () => {
    const c = await ceremony();
    const stdin = `${c.shares[0]}\n${c.shares[2]}\n`;
    const before = readdirSync(c.host);
    const result = json<{ masterKeyCheck: string; vaultFingerprint: string; written: boolean; next: string[] }>(expectOk(await hostRun(['paper', 'restore', '--shares-stdin', '--json'], stdin)));
    expect(result.masterKeyCheck).toBe(c.check);
    expect(result.written).toBe(false);
    expect(readdirSync(c.host)).toEqual(before);
    expect(result.next).toEqual(['custos paper restore --shares-stdin --verify', `custos paper restore --shares-stdin --init --expect-check ${c.check}`]);
    const text = expectOk(await hostRun(['paper', 'restore', '--shares-stdin'], stdin)).stdout;
    expect(text).toContain(`key check: ${c.check}`);
    expect(text).toContain(`vault ${result.vaultFingerprint}`);
    // The first next command, against the vault's own keystore.
    const verified = expectOk(await runInProcess((result.next[0] ?? '').split(' ').slice(1), { env: { CUSTOS_KEYSTORE: c.v.path }, stdin }));
    expect(verified.stdout).toContain(`unlocks ${c.v.path}`);
  });

  it('--expect-check takes the value with or without dashes, spaces, in any case; a malformed one is refused first', async () => {
    const c = await ceremony();
    const stdin = `${c.shares[0]}\n${c.shares[1]}\n`;
    const bare = c.check.replace(/-/g, '');
    for (const typed of [c.check, bare.toUpperCase(), ` ${c.check.replace(/-/g, ' ').toUpperCase()} `]) {
      expectOk(await hostRun(['paper', 'restore', '--shares-stdin', '--expect-check', typed], stdin));
    }
    const wrong = await hostRun(['paper', 'restore', '--shares-stdin', '--expect-check', '0000 0000 0000 0000'], stdin);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/error WRONG_MASTER_KEY: /);
    expectTextError(await hostRun(['paper', 'restore', '--shares-stdin', '--expect-check', 'not-a-check'], stdin), 'INVALID_ARGUMENT', 2);
  });

  it('--print also shows the key check on standard error', async () => {
    const c = await ceremony();
    const printed = expectOk(await hostRun(['paper', 'restore', '--shares-stdin', '--print'], `${c.shares[0]}\n${c.shares[1]}\n`));
    expect(printed.stdout.trim()).toBe(c.v.key);
    expect(printed.stderr).toContain(`key check: ${c.check} (compare with the sheets)`);
  });

  it('--passphrase-file outside --init is refused and points at --share-passphrase-file', async () => {
    const c = await ceremony();
    const pass = join(c.host, 'p.txt');
    writeFileSync(pass, 'x');
    const message = expectTextError(await c.v.run(['paper', 'restore', '--shares-stdin', '--verify', '--passphrase-file', pass]), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('--share-passphrase-file');
  });
});
