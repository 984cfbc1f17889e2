import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { vaultFingerprintOf } from '../../src-main/core/masterkey/subkeys.js';
import { fakeIo, runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectJsonError, expectOk, expectTextError, initVault, json, snapshot, withUnlockNotes, type CliVault } from './fixtures.js';

const WARNING = 'DO NOT transport or store these files together';

interface ExportJson {
  bundle: string;
  accessKeys: string;
  pairFingerprint: string;
  keys: number;
  versions: number;
  privateKeys: boolean;
  warning: string;
}

async function sourceWithKeys(): Promise<CliVault> {
  const vault = await initVault();
  expectOk(await vault.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
  expectOk(await vault.run(['keys', 'generate', '--client-id', 'orders-svc', '--all']));
  expectOk(await vault.run(['keys', 'generate', '--global', '--all']));
  expectOk(await vault.run(['keys', 'rotate', 'billing-svc_storage']));
  expectOk(await vault.run(['keys', 'destroy', 'billing-svc_storage', '--version', '1', '--yes']));
  expectOk(await vault.run(['keys', 'disable', 'auth_key']));
  return vault;
}

function paths() {
  const dir = tempDir();
  return { dir, bundle: join(dir, 'keys.bundle'), accessKeys: join(dir, 'keys.access.json') };
}

describe('custos export / import / bundle inspect', () => {
  it('round trip: keys list --json --all-versions on the restore host equals the source', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    const exported = expectOk(await source.run(['export', '--all', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys]));
    expect(exported.stdout).toMatch(/^exported 16 keys \(17 versions\), private keys included\n/);
    expect(exported.stderr).toBe(`warning: ${WARNING}\n`);
    const pair = /pair\s+([0-9a-f]{4}(?:-[0-9a-f]{4}){3})/.exec(exported.stdout)?.[1];
    expect(pair).toBeDefined();
    expect(JSON.parse(readFileSync(out.accessKeys, 'utf8'))).toMatchObject({ pairFingerprint: pair });
    for (const file of [out.bundle, out.accessKeys]) expect(statSync(file).mode & 0o777).toBe(0o600);

    const target = await initVault();
    const imported = expectOk(await target.run(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys]));
    expect(imported.stdout).toBe(
      `imported 16 keys (17 versions) from bundle ${pair}\nsource vault ${vaultFingerprintOf(source.keyBytes)} (another vault)\nimported the source audit history (see custos audit verify --head)\n`,
    );
    const list = ['keys', 'list', '--json', '--all-versions'];
    expect(json(expectOk(await target.run(list)))).toEqual(json(expectOk(await source.run(list))));
    expect(json<{ ok: boolean }>(expectOk(await target.run(['check', '--json']))).ok).toBe(true);
  });

  it('--json: the export report carries the warning; import reports counts', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    const report = json<ExportJson>(expectOk(await source.run(['export', '--client-id', 'orders-svc', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--json'])));
    expect(report).toMatchObject({ keys: 6, versions: 6, privateKeys: false, warning: WARNING, bundle: out.bundle, accessKeys: out.accessKeys });
    const target = await initVault();
    const imported = json<Record<string, unknown>>(expectOk(await target.run(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--json'])));
    expect(imported).toMatchObject({ keys: 6, versions: 6, publicOnlyVersions: 6, pairFingerprint: report.pairFingerprint });
    const listed = json<Array<{ name: string; publicOnly?: boolean }>>(expectOk(await target.run(['keys', 'list', '--json'])));
    expect(listed.every((k) => k.publicOnly === true)).toBe(true);
    expect(expectOk(await target.run(['keys', 'show', 'orders-svc_storage', '--public-pem'])).stdout).toBe(
      expectOk(await source.run(['keys', 'show', 'orders-svc_storage', '--public-pem'])).stdout,
    );
  });

  it('bundle inspect: the header without access keys; with them, the verified manifest; never a secret', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    const report = json<ExportJson>(expectOk(await source.run(['export', '--key', 'auth_key', '--key', 'billing-svc_storage', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--json'])));
    const header = expectOk(await runInProcess(['bundle', 'inspect', '--bundle', out.bundle]));
    expect(header.stdout).toContain(`pair             ${report.pairFingerprint}`);
    expect(header.stdout).toContain('2 keys, 3 versions, private keys included');
    expect(header.stdout).toContain('verified         no');
    expect(header.stdout).not.toContain('auth_key');

    const full = json<{ verified: boolean; manifest: Array<{ name: string; versions: Array<{ state: string; material: string }> }>; counts: unknown }>(
      expectOk(await runInProcess(['bundle', 'inspect', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--json'])),
    );
    expect(full.verified).toBe(true);
    expect(full.manifest.map((k) => [k.name, k.versions.map((v) => `${v.state}/${v.material}`)])).toEqual([
      ['billing-svc_storage', ['destroyed/none', 'active/secret']],
      ['auth_key', ['disabled/secret']],
    ]);
    expect(full.counts).toEqual({ byPurpose: { storage: 1, auth: 1 }, byState: { destroyed: 1, active: 1, disabled: 1 } });
    const text = expectOk(await runInProcess(['bundle', 'inspect', '--bundle', out.bundle, '--access-keys', out.accessKeys]));
    expect(text.stdout).toMatch(/NAME\s+PURPOSE\s+VERSION\s+STATE\s+FINGERPRINT\s+MATERIAL/);
    const { encryptionKey } = JSON.parse(readFileSync(out.accessKeys, 'utf8')) as { encryptionKey: string };
    for (const output of [header.stdout, text.stdout, JSON.stringify(full)]) expect(output).not.toContain(encryptionKey);
  });

  it('errors print as `error CODE: message` (or {code,message} with --json) and leave the target as it was', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    expectOk(await source.run(['export', '--all', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys]));
    const target = await initVault();
    expectOk(await target.run(['keys', 'generate', '--client-id', 'local-svc', '--all']));
    const before = snapshot(target.path);

    const bytes = readFileSync(out.bundle);
    const tampered = join(out.dir, 'tampered.bundle');
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 1;
    writeFileSync(tampered, bytes);
    expectTextError(await target.run(['import', '--bundle', tampered, '--access-keys', out.accessKeys]), 'BUNDLE_TAMPERED');
    expectJsonError(await target.run(['import', '--bundle', tampered, '--access-keys', out.accessKeys, '--json']), 'BUNDLE_TAMPERED');
    const short = join(out.dir, 'short.bundle');
    writeFileSync(short, bytes.subarray(0, 500));
    expectTextError(await target.run(['import', '--bundle', short, '--access-keys', out.accessKeys]), 'BUNDLE_TRUNCATED');

    const other = paths();
    expectOk(await source.run(['export', '--all', '--bundle', other.bundle, '--access-keys', other.accessKeys]));
    expectTextError(await target.run(['import', '--bundle', out.bundle, '--access-keys', other.accessKeys]), 'ACCESS_KEYS_MISMATCH');
    expectTextError(await target.run(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys], { CUSTOS_MASTER_KEY: source.key }), 'WRONG_MASTER_KEY');
    // The wrong key is noted beside the keystore for its audit log; the keystore itself is as it was.
    expect(snapshot(target.path)).toEqual(withUnlockNotes(before, target.path));
  });

  it('--on-conflict: fail by default (KEY_EXISTS), skip, or replace', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    expectOk(await source.run(['export', '--client-id', 'billing-svc', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys]));
    const target = await initVault();
    expectOk(await target.run(['keys', 'generate', '--client-id', 'billing-svc', '--purpose', 'hmac']));
    const before = snapshot(target.path);
    const message = expectTextError(await target.run(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys]), 'KEY_EXISTS');
    expect(message).toContain('billing-svc_hmac');
    expect(snapshot(target.path)).toEqual(withUnlockNotes(before, target.path));
    const run = (policy: string) => target.run(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--on-conflict', policy]);
    expect(expectOk(await run('skip')).stdout).toContain('skipped 1 keys that exist already');
    expect(expectOk(await run('replace')).stdout).toContain('replaced 6 existing keys');
    const list = ['keys', 'list', '--json', '--all-versions', '--client-id', 'billing-svc'];
    expect(json(expectOk(await target.run(list)))).toEqual(json(expectOk(await source.run(list))));
    expectTextError(await run('merge'), 'INVALID_ARGUMENT', 2);
  });

  it('refuses to overwrite either file without --force, and usage errors exit 2', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    const args = ['export', '--all', '--bundle', out.bundle, '--access-keys', out.accessKeys];
    expectOk(await source.run(args));
    const bundleBefore = readFileSync(out.bundle);
    expectTextError(await source.run(args), 'FILE_EXISTS');
    expect(readFileSync(out.bundle).equals(bundleBefore)).toBe(true);
    expectOk(await source.run([...args, '--force']));
    expect(readFileSync(out.bundle).equals(bundleBefore)).toBe(false);

    // Checked before the keystore is unlocked: no master key is needed to be told.
    expectTextError(await runInProcess([...args, '--keystore', source.path]), 'FILE_EXISTS');
    expectTextError(await source.run(['export', '--bundle', out.bundle, '--access-keys', out.accessKeys]), 'INVALID_ARGUMENT', 2);
    expectTextError(await source.run(['export', '--all', '--key', 'auth_key', '--bundle', 'x', '--access-keys', 'y']), 'INVALID_ARGUMENT', 2);
    expectTextError(await source.run(['export', '--all', '--access-keys', out.accessKeys]), 'INVALID_ARGUMENT', 2);
    expectTextError(await source.run(['export', '--all', '--bundle', 'same', '--access-keys', 'same']), 'INVALID_ARGUMENT', 2);
    expectTextError(await source.run(['import', '--bundle', out.bundle]), 'INVALID_ARGUMENT', 2);
    expectTextError(await runInProcess(['bundle', 'inspect']), 'INVALID_ARGUMENT', 2);
  });

  it('draws progress on a terminal, and never with --json', async () => {
    const source = await sourceWithKeys();
    const out = paths();
    const tty = fakeIo({ env: source.env });
    tty.io.stderrIsTTY = true;
    expect(await runCli(['export', '--all', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys], tty.io)).toBe(0);
    expect(tty.result().stderr).toMatch(/\rexporting \[#+\] 100% \(17\/17\)\n/);
    const target = await initVault();
    const tty2 = fakeIo({ env: target.env });
    tty2.io.stderrIsTTY = true;
    expect(await runCli(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys, '--json'], tty2.io)).toBe(0);
    expect(tty2.result().stderr).toBe('');
    const tty3 = fakeIo({ env: (await initVault()).env });
    tty3.io.stderrIsTTY = true;
    expect(await runCli(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys], tty3.io)).toBe(0);
    expect(tty3.result().stderr).toMatch(/\rimporting \[#+\] 100% \(16\/16\)\n/);
  });

  it.each([
    [['export'], ['--bundle <file>', '--access-keys <file>', '--all', '--client-id <id>', '--key <name>', '--private-keys', '--force', '--json', WARNING, 'Examples:']],
    [['import'], ['--bundle <file>', '--access-keys <file>', '--on-conflict <policy>', 'fail', 'skip', 'replace', '--json', 'Example']],
    [['bundle', 'inspect'], ['--bundle <file>', '--access-keys <file>', '--json', 'Examples:']],
  ])('custos %j --help documents its options with an example', async (path, expected) => {
    const result = await runInProcess([...path, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: custos ${path.join(' ')} `)).toBe(true);
    for (const text of expected) expect(result.stdout).toContain(text);
  });
});
