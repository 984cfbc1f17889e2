/**
 * A vault file is data, not code. A crafted vault whose PKCS#11 method names
 * another library, or whose Vault method names another server, must not make
 * Custos load that library or send that server a token: only what this
 * installation approved (the CLI's configuration file) is followed, a person
 * at a terminal is asked first, and a script gets NOT_APPROVED with the fix.
 * Real SoftHSM2, real SQLite files, the Vault stand-in on loopback.
 */
import { copyFileSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CustosError } from '../../shared/errors.js';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { listGate } from '../../src-main/core/config/approvals.js';
import { runInProcess, runInteractive } from '../helpers/cli.js';
import { expectOk, expectTextError, initVault, json, withDb } from '../cli/fixtures.js';
import { makeVault } from '../helpers/keystore.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../helpers/softhsm.js';
import { sha256File, tempDir } from '../helpers/tmp.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';

const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED the PKCS#11 approval tests: ${unavailable}`);

/** Whether this process has the file mapped: a loaded shared library always is. */
const mapped = (path: string) => readFileSync('/proc/self/maps', 'utf8').includes(path);

/** What an attacker does to a vault file: rewrite a stored method's parameters in SQL. */
function rewriteParams(path: string, kind: string, change: (params: Record<string, unknown>) => void): void {
  withDb(path, (db) => {
    const row = db.prepare('SELECT id, params FROM unlock_methods WHERE kind = ?').get(kind) as { id: number; params: string };
    const params = JSON.parse(row.params) as Record<string, unknown>;
    change(params);
    db.prepare('UPDATE unlock_methods SET params = ? WHERE id = ?').run(JSON.stringify(params), row.id);
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    const opened = await promise;
    (opened as { close?: () => void }).close?.();
    return 'no error';
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
}

describe.skipIf(unavailable !== null)('PKCS#11 modules: only approved ones are loaded (real SoftHSM2)', () => {
  let folder: SoftHsmFolder;
  let evil: string;
  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken('custos-approve');
    // Another library the crafted vault names: a copy, so the test can see whether it was loaded.
    evil = join(folder.dir, 'libplanted-pkcs11.so');
    copyFileSync(SOFTHSM_MODULE, evil);
  });
  afterAll(() => folder.remove());

  it('a crafted vault naming another library: the CLI loads nothing and says NOT_APPROVED with the fix; the file is unchanged', async () => {
    const config = join(tempDir(), 'config.json');
    const v = await initVault();
    const pin = join(v.dir, 'pin');
    writeFileSync(pin, `${USER_PIN}\n`);
    expectOk(await runInProcess(['config', 'approve-module', SOFTHSM_MODULE], { env: { CUSTOS_CONFIG: config } }));
    const env = { ...v.env, CUSTOS_CONFIG: config };
    expectOk(await runInProcess(['unlock-methods', 'add', '--kind', 'pkcs11', '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'custos-approve', '--pin-file', pin, '--key-label', 'root', '--generate-key'], { env }));
    const byPin = { CUSTOS_KEYSTORE: v.path, CUSTOS_CONFIG: config };
    expectOk(await runInProcess(['keys', 'list', '--unlock-method', 'pkcs11', '--pin-file', pin], { env: byPin }));

    rewriteParams(v.path, 'pkcs11', (p) => (p['modulePath'] = evil));
    const before = sha256File(v.path);
    const message = expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'pkcs11', '--pin-file', pin], { env: byPin }), 'NOT_APPROVED');
    expect(message).toContain(evil);
    expect(message).toContain(`custos config approve-module ${evil}`);
    expect(mapped(evil)).toBe(false);
    expect(sha256File(v.path)).toBe(before);
    // The configuration still approves only the module the operator named.
    expect(json<{ pkcs11Modules: string[] }>(expectOk(await runInProcess(['config', 'show', '--json'], { env: { CUSTOS_CONFIG: config } }))).pkcs11Modules).toEqual([realpathSync(SOFTHSM_MODULE)]);
  });

  it('at a terminal the path is shown and must be approved with "yes"; "no" keeps it unapproved, "yes" records it', async () => {
    const config = join(tempDir(), 'config.json');
    const v = await initVault();
    const pin = join(v.dir, 'pin');
    writeFileSync(pin, `${USER_PIN}\n`);
    const env = { ...v.env, CUSTOS_CONFIG: config };
    const add = ['unlock-methods', 'add', '--kind', 'pkcs11', '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'custos-approve', '--pin-file', pin, '--key-label', 'asked', '--generate-key'];
    const refused = await runInteractive(add, { env, answers: ['no'] });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NOT_APPROVED');
    expect(refused.stderr).toContain(realpathSync(SOFTHSM_MODULE));
    expect(refused.prompts.map((p) => p.hidden)).toEqual([false]);
    expect(json<{ pkcs11Modules: string[] }>(expectOk(await runInProcess(['config', 'show', '--json'], { env }))).pkcs11Modules).toEqual([]);

    const approved = await runInteractive(add, { env, answers: ['yes'] });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain(`approved, recorded in ${config}`);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ version: 1, approved: { pkcs11Modules: [realpathSync(SOFTHSM_MODULE)], vaultServers: [] } });
  });

  it('the core follows a stored module only through a gate that approved it (none given: nothing approved)', async () => {
    const v = await makeVault();
    const ks = await v.open();
    await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-approve' }, pin: USER_PIN, keyLabel: 'core-root', generate: true });
    ks.close();
    const unlock = { kind: 'pkcs11', pin: USER_PIN } as const;
    expect(await codeOf(openKeystore(v.path, unlock))).toBe('NOT_APPROVED');
    const approved = listGate({ pkcs11Modules: [realpathSync(SOFTHSM_MODULE)], vaultServers: [] });
    expect(await codeOf(openKeystore(v.path, unlock, { approvals: approved }))).toBe('no error');
    // A symlink to the planted copy resolves to the copy: approving the real module does not approve it.
    const link = join(folder.dir, 'looks-familiar.so');
    symlinkSync(evil, link);
    rewriteParams(v.path, 'pkcs11', (p) => (p['modulePath'] = link));
    expect(await codeOf(openKeystore(v.path, unlock, { approvals: approved }))).toBe('NOT_APPROVED');
    expect(mapped(evil)).toBe(false);
  });
});

describe('Vault servers: the stored address and the CA in use are followed only once approved (Vault stand-in)', () => {
  const standIns: VaultStandIn[] = [];
  afterEach(async () => {
    for (const s of standIns.splice(0)) await s.close();
  });

  it('a vault whose stored address was changed sends no token to the new one; another CA is another approval', async () => {
    const [vault, other] = [await startVaultStandIn(), await startVaultStandIn()];
    standIns.push(vault, other);
    vault.addToken('hvs.approved');
    other.addToken('hvs.approved');
    const config = join(tempDir(), 'config.json');
    const v = await initVault();
    const token = join(v.dir, 'token');
    writeFileSync(token, 'hvs.approved\n');
    const env = { ...v.env, CUSTOS_CONFIG: config };
    const conn = ['--vault-token-file', token, '--vault-allow-plain-http'];
    expectOk(await runInProcess(['config', 'approve-vault', vault.url], { env }));
    expectOk(await runInProcess(['unlock-methods', 'add', '--kind', 'vault-transit', '--vault-addr', vault.url, '--transit-key', 'custos', ...conn], { env }));
    const byVault = { CUSTOS_KEYSTORE: v.path, CUSTOS_CONFIG: config };
    expectOk(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', ...conn], { env: byVault }));

    // The same address with a CA file the approval did not name is a different trust decision.
    const ca = join(v.dir, 'other-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', ...conn, '--vault-ca-file', ca], { env: byVault }), 'NOT_APPROVED')).toMatch(/SHA-256 [0-9a-f]{64}/);

    rewriteParams(v.path, 'vault-transit', (p) => (p['endpoint'] = other.url));
    const before = sha256File(v.path);
    const message = expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', ...conn], { env: byVault }), 'NOT_APPROVED');
    expect(message).toContain(other.url);
    expect(message).toContain(`custos config approve-vault ${other.url}`);
    expect(other.requests).toEqual([]);
    expect(sha256File(v.path)).toBe(before);
  });
});

describe('the configuration file', () => {
  it('records real paths, revokes, and refuses a file that is not ours (CONFIG_INVALID) rather than half-reading it', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.json');
    const env = { CUSTOS_CONFIG: config };
    const lib = join(dir, 'libreal.so');
    writeFileSync(lib, 'not really a library');
    const link = join(dir, 'libalias.so');
    symlinkSync(lib, link);
    expectOk(await runInProcess(['config', 'approve-module', link], { env }));
    expect(json<{ pkcs11Modules: string[] }>(expectOk(await runInProcess(['config', 'show', '--json'], { env }))).pkcs11Modules).toEqual([realpathSync(lib)]);
    expectOk(await runInProcess(['config', 'revoke-module', link], { env }));
    expectTextError(await runInProcess(['config', 'revoke-module', link], { env }), 'INVALID_ARGUMENT', 2);
    expectTextError(await runInProcess(['config', 'approve-module', join(dir, 'absent.so')], { env }), 'HSM_MODULE_NOT_FOUND');
    writeFileSync(config, '{"version":1,"approved":{"pkcs11Modules":"/everything"}}');
    expectTextError(await runInProcess(['config', 'show'], { env }), 'CONFIG_INVALID');
    // The default location follows XDG_CONFIG_HOME.
    expect((await runInProcess(['config', 'path'], { env: { XDG_CONFIG_HOME: dir, CUSTOS_CONFIG: undefined } })).stdout.trim()).toBe(join(dir, 'custos', 'config.json'));
  });
});
