import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../helpers/softhsm.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';
import { expectJsonError, expectOk, expectTextError, FAST_KDF_FLAGS, initPassphraseVault, initVault, json, snapshot } from './fixtures.js';

const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED PKCS#11 CLI tests: ${unavailable}`);

interface Method {
  id: number;
  kind: string;
  label: string;
  params: Record<string, unknown>;
}

describe('custos unlock-methods: passphrase and rules', () => {
  it('adds a second passphrase, unlocks by id or kind, removes it; the last method stays', async () => {
    const v = await initPassphraseVault();
    const second = join(v.dir, 'second.txt');
    writeFileSync(second, 'deputy passphrase\n');
    const added = json<Method>(expectOk(await v.run(['unlock-methods', 'add', '--kind', 'passphrase', '--new-passphrase-file', second, '--label', 'deputy', ...FAST_KDF_FLAGS, '--json'])));
    expect(added).toMatchObject({ id: 2, kind: 'passphrase', label: 'deputy' });
    const listed = json<Method[]>(expectOk(await v.run(['unlock-methods', 'list', '--json'])));
    expect(listed.map((m) => m.label)).toEqual(['passphrase', 'deputy']);
    expect(JSON.stringify(listed)).not.toContain('salt');
    // The deputy's passphrase opens through method 2, and through the kind (tried in order).
    expectOk(await runInProcess(['keys', 'list', '--keystore', v.path, '--unlock-method', '2', '--passphrase-file', second]));
    expectOk(await runInProcess(['keys', 'list', '--keystore', v.path, '--unlock-method', 'passphrase', '--passphrase-file', second]));
    // Method 1 with the deputy's passphrase: refused, no fall-back to method 2.
    expectTextError(await runInProcess(['keys', 'list', '--keystore', v.path, '--unlock-method', '1', '--passphrase-file', second]), 'WRONG_PASSPHRASE');
    expectTextError(await v.run(['unlock-methods', 'remove', '2']), 'CONFIRMATION_REQUIRED');
    expectOk(await v.run(['unlock-methods', 'remove', '2', '--yes']));
    const before = snapshot(v.path);
    expectTextError(await v.run(['unlock-methods', 'remove', '1', '--yes']), 'UNLOCK_METHOD_LAST');
    expect(snapshot(v.path).hash).toBe(before.hash);
    expectTextError(await v.run(['keys', 'list', '--unlock-method', '9']), 'UNLOCK_METHOD_NOT_FOUND');
    const audit = json<Array<{ operation: string }>>(expectOk(await v.run(['audit', 'list', '--json'])));
    expect(audit.map((e) => e.operation)).toEqual(expect.arrayContaining(['unlock-method-add', 'unlock-method-remove']));
  });

  it('refuses unknown kinds and missing options with INVALID_ARGUMENT', async () => {
    const v = await initVault();
    expectJsonError(await v.run(['keys', 'list', '--unlock-method', 'telepathy', '--json']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['unlock-methods', 'add', '--kind', 'vault-transit', '--transit-key', 'k']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['unlock-methods', 'add', '--kind', 'paper', '--ceremony', 'nope']), 'INVALID_ARGUMENT', 2);
  });
});

describe.skipIf(unavailable !== null)('custos unlock-methods: pkcs11 (real SoftHSM2)', () => {
  let folder: SoftHsmFolder;
  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken('custos-cli');
  });
  // This installation approves the module once (test/security/approvals.test.ts checks what happens without it).
  beforeAll(async () => expectOk(await runInProcess(['config', 'approve-module', SOFTHSM_MODULE])));
  afterAll(() => folder.remove());

  it('adds a generated HSM key, unlocks with --pin-file, rotates through it, and a wrong PIN stays locked', async () => {
    const v = await initVault();
    const pin = join(v.dir, 'pin');
    writeFileSync(pin, `${USER_PIN}\n`);
    const bad = join(v.dir, 'bad-pin');
    writeFileSync(bad, '0000\n');
    const hsm = ['--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'custos-cli', '--pin-file', pin];
    expectOk(await v.run(['unlock-methods', 'add', '--kind', 'pkcs11', ...hsm, '--key-label', 'cli-root', '--generate-key']));
    expectTextError(await v.run(['unlock-methods', 'add', '--kind', 'pkcs11', ...hsm, '--key-label', 'cli-root', '--generate-key']), 'HSM_KEY_EXISTS');
    const noKey = { CUSTOS_KEYSTORE: v.path };
    expectOk(await runInProcess(['keys', 'generate', '--global', '--all', '--unlock-method', 'pkcs11', '--pin-file', pin], { env: noKey }));
    expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'pkcs11', '--pin-file', bad], { env: noKey }), 'HSM_PIN_INCORRECT');
    const out = join(v.dir, 'new.key');
    const rotated = json<{ methods: Array<{ kind: string; action: string }> }>(expectOk(await v.run(['master-key', 'rotate', '--pin-file', pin, '--new-master-key-out', out, '--yes', '--json'])));
    expect(rotated.methods).toEqual([expect.objectContaining({ kind: 'pkcs11', action: 'rewrapped' })]);
    expect(json<unknown[]>(expectOk(await runInProcess(['keys', 'list', '--json', '--unlock-method', '1', '--pin-file', pin], { env: noKey })))).toHaveLength(4);
  });
});

describe('custos unlock-methods: Vault (Vault stand-in)', () => {
  let vault: VaultStandIn;
  beforeEach(async () => {
    vault = await startVaultStandIn();
    vault.addToken('hvs.cli-token');
    expectOk(await runInProcess(['config', 'approve-vault', vault.url]));
  });
  afterEach(() => vault.close());

  it('vault-transit: add and unlock; sealed and 403 are typed and leave the keystore as it was', async () => {
    const v = await initVault();
    const token = join(v.dir, 'token');
    writeFileSync(token, 'hvs.cli-token\n');
    const wrong = join(v.dir, 'wrong-token');
    writeFileSync(wrong, 'hvs.wrong\n');
    const conn = ['--vault-token-file', token, '--vault-allow-plain-http', '--vault-timeout', '2'];
    const added = json<Method>(expectOk(await v.run(['unlock-methods', 'add', '--kind', 'vault-transit', '--vault-addr', vault.url, '--transit-key', 'custos', ...conn, '--json'])));
    expect(added.params).toEqual({ kind: 'vault-transit', endpoint: vault.url, mount: 'transit', keyName: 'custos' });
    const noKey = { CUSTOS_KEYSTORE: v.path };
    expectOk(await runInProcess(['keys', 'generate', '--global', '--all', '--unlock-method', 'vault-transit', ...conn], { env: noKey }));
    const before = snapshot(v.path);
    vault.switches.sealed = true;
    expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', ...conn], { env: noKey }), 'VAULT_SEALED');
    vault.switches.sealed = false;
    expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', '--vault-token-file', wrong, '--vault-allow-plain-http'], { env: noKey }), 'VAULT_FORBIDDEN');
    expect(snapshot(v.path).hash).toBe(before.hash);
    // Plain http is refused unless asked for by name.
    expectTextError(await runInProcess(['keys', 'list', '--unlock-method', 'vault-transit', '--vault-token-file', token], { env: noKey }), 'INVALID_ARGUMENT', 2);
  });

  it('vault-kv: --write stores the master key as Acra reads it', async () => {
    const v = await initVault();
    const token = join(v.dir, 'token');
    writeFileSync(token, 'hvs.cli-token\n');
    const conn = ['--vault-token-file', token, '--vault-allow-plain-http'];
    expectOk(await v.run(['unlock-methods', 'add', '--kind', 'vault-kv', '--vault-addr', vault.url, '--kv-path', 'acra/master', '--write', ...conn]));
    expect(vault.kvVersions('acra/master')).toBe(1);
    expectOk(await runInProcess(['info', '--unlock-method', 'vault-kv', ...conn], { env: { CUSTOS_KEYSTORE: v.path } }));
    // Rotation cannot re-wrap a KV secret: refused, nothing changed.
    const before = snapshot(v.path);
    const refused = await v.run(['master-key', 'rotate', '--new-master-key-out', join(v.dir, 'n.key'), '--yes', ...conn]);
    expect(refused.stderr).toMatch(/error ROTATION_METHOD_UNAVAILABLE: /);
    expect(snapshot(v.path).hash).toBe(before.hash);
  });
});
