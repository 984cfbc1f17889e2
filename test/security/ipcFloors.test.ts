/**
 * The IPC contract's floors: what the app would never send is refused in
 * main, whatever a (compromised) renderer asks. argon2id settings in
 * vault:create and plain-http Vault credentials are honoured only when the
 * test harness injects its switches (IpcDeps.testKnobs), which the app's own
 * code never sets.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../shared/ipc.js';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { FAST_KDF as CORE_FAST_KDF } from '../helpers/keystore.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';
import { FAST_KDF, REPO_ROOT, startHarness } from '../ipc/harness.js';

const PASS = 'floors passphrase';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('IPC floors (handlers as the app runs them)', () => {
  let vault: VaultStandIn | null = null;
  afterEach(async () => vault?.close());

  it('vault:create refuses argon2id settings from the request (the app calibrates them itself)', async () => {
    const h = startHarness({ testKnobs: {} });
    const weak = await h.call('vault:create', { name: 'weak', passphrase: PASS, kdf: FAST_KDF });
    expect(weak).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(h.vaults.list()).toEqual([]);
    // Even settings above the floor: the app chooses them, a request does not.
    expect(await h.call('vault:create', { name: 'strong', passphrase: PASS, kdf: { memoryMiB: 1024, passes: 8 } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    // Without settings the worker calibrates argon2id at 256 MiB (coreOps create, kdf null); not run here: it takes tens of seconds on a loaded CI machine.
  });

  it('a Vault method over plain http:// is refused before any request leaves; only the harness switch allows it', async () => {
    vault = await startVaultStandIn();
    vault.addToken('hvs.clear-text');
    const endpoint = vault.url;
    const h = startHarness({ testKnobs: { weakKdf: true } });
    const ref = await h.ok('vault:create', { name: 'plain', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('vault:lock', {});
    const ks = await openKeystore(join(h.vaultsDir, 'plain.custos.db'), { kind: 'passphrase', passphrase: PASS });
    await addUnlockMethod(ks, { kind: 'vault-transit', endpoint, keyName: 'custos', vault: { auth: { method: 'token', token: 'hvs.clear-text' }, allowPlainHttp: true } });
    await addUnlockMethod(ks, { kind: 'passphrase', passphrase: 'unused second', params: CORE_FAST_KDF() });
    ks.close();
    const credentials = { kind: 'vault-transit' as const, vault: { auth: { method: 'token' as const, token: 'hvs.clear-text' }, privateCa: false, allowPlainHttp: true } };
    const requestsBefore = vault.requests.length;
    expect(await h.call('vault:unlockWithMethod', { id: ref.id, methodId: 2, credentials })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(vault.requests.length).toBe(requestsBefore);
    expect(h.approvalsAsked).toEqual([]);

    const testing = startHarness({ testKnobs: { weakKdf: true, plainHttpVault: true }, dir: h.dir });
    expect(await testing.ok('vault:unlockWithMethod', { id: ref.id, methodId: 2, credentials })).toMatchObject({ keystoreId: ref.keystoreId });
    expect(vault.requests.length).toBeGreaterThan(requestsBefore);
  });

  it('the switches are set nowhere in the app and named in no IPC schema', () => {
    const appFiles = filesUnder(join(REPO_ROOT, 'src-main', 'app')).filter((f) => f.endsWith('.ts'));
    expect(appFiles.length).toBeGreaterThan(5);
    for (const file of appFiles) expect(readFileSync(file, 'utf8'), file).not.toMatch(/testKnobs|weakKdf|plainHttpVault/);
    expect(JSON.stringify(Object.keys(CONTRACT))).not.toMatch(/testKnobs/);
    expect(readFileSync(join(REPO_ROOT, 'src-main', 'app', 'preload.ts'), 'utf8')).not.toMatch(/testKnobs/);
  });
});
