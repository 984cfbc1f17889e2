/**
 * The app's unlock screen and master-key rotation through the real handler
 * table, worker and core: methods listed before unlocking (read only), each
 * kind unlocking with what a person types (a real SoftHSM2 token, the Vault
 * stand-in over HTTPS with a private CA chosen in main's dialog, paper
 * shares), every failure keeping the vault locked and the file unchanged.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MethodCredentialsInput } from '../../shared/ipc.js';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import type { Keystore } from '../../src-main/core/keystore/keystore.js';
import { recordCeremony, splitVault } from '../../src-main/core/paper/paperVault.js';
import { FAST_KDF as CORE_FAST_KDF } from '../helpers/keystore.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable } from '../helpers/softhsm.js';
import { makeTestCa, opensslAvailable } from '../helpers/testCa.js';
import { sha256File } from '../helpers/tmp.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const PASS = 'unlock screen passphrase';
const SECOND = 'the second custodian';
const hsmUnavailable = softHsmUnavailable();
if (hsmUnavailable) console.log(`SKIPPED the PKCS#11 unlock-screen test: ${hsmUnavailable}`);
const noOpenssl = opensslAvailable() ? null : 'openssl is not installed (Debian package openssl), so no test CA can be made';
if (noOpenssl) console.log(`SKIPPED the Vault-over-TLS unlock-screen test: ${noOpenssl}`);

/** A vault made in the app, locked again, then given more methods through the core (as `custos unlock-methods add` does). */
async function lockedVault(h: Harness, name: string, add: (ks: Keystore) => Promise<void>) {
  const ref = await h.ok('vault:create', { name, passphrase: PASS, kdf: FAST_KDF });
  await h.ok('vault:lock', {});
  const path = join(h.vaultsDir, `${name}.custos.db`);
  const ks = await openKeystore(path, { kind: 'passphrase', passphrase: PASS });
  try {
    await add(ks);
  } finally {
    ks.close();
  }
  return { id: ref.id, path, keystoreId: ref.keystoreId };
}

async function expectLocked(h: Harness, id: string, methodId: number, credentials: MethodCredentialsInput, code: string) {
  const result = await h.call('vault:unlockWithMethod', { id, methodId, credentials });
  expect(result, JSON.stringify(credentials)).toMatchObject({ ok: false, code });
  expect((await h.ok('app:status', {})).unlocked).toBeNull();
}

const vaultCreds = (token: string, privateCa: boolean): MethodCredentialsInput => ({ kind: 'vault-transit', vault: { auth: { method: 'token', token }, privateCa, allowPlainHttp: false } });

describe.skipIf(hsmUnavailable !== null)('the unlock screen with an HSM method (real SoftHSM2)', () => {
  beforeAll(() => softHsmFolder().initToken('custos-app'));

  it('lists the methods without unlocking or writing, and unlocks with the PIN or the second passphrase', async () => {
    const h = startHarness();
    const v = await lockedVault(h, 'hsm', async (ks) => {
      await addUnlockMethod(ks, { kind: 'passphrase', passphrase: SECOND, params: CORE_FAST_KDF(), label: 'custodian B' });
      await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-app' }, pin: USER_PIN, keyLabel: 'app-root', generate: true, label: 'ceremony HSM' });
    });
    const before = sha256File(v.path);
    const { methods } = await h.ok('vault:unlockMethods', { id: v.id });
    expect(methods.map(({ id, kind, label }) => ({ id, kind, label }))).toEqual([
      { id: 1, kind: 'passphrase', label: 'passphrase' },
      { id: 2, kind: 'passphrase', label: 'custodian B' },
      { id: 3, kind: 'pkcs11', label: 'ceremony HSM' },
    ]);
    expect(JSON.stringify(methods)).not.toContain(SOFTHSM_MODULE);

    await expectLocked(h, v.id, 3, { kind: 'pkcs11', pin: '9999' }, 'HSM_PIN_INCORRECT');
    await expectLocked(h, v.id, 3, { kind: 'passphrase', passphrase: SECOND }, 'INVALID_ARGUMENT');
    await expectLocked(h, v.id, 9, { kind: 'pkcs11', pin: USER_PIN }, 'UNLOCK_METHOD_NOT_FOUND');
    expect(await h.call('vault:unlock', { id: v.id, passphrase: SECOND, methodId: 1 })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(sha256File(v.path)).toBe(before);

    expect(await h.ok('vault:unlockWithMethod', { id: v.id, methodId: 3, credentials: { kind: 'pkcs11', pin: USER_PIN } })).toMatchObject({ keystoreId: v.keystoreId });
    expect(h.events.some((e) => e.channel === 'event:progress' && (e.payload as { label: string }).label.includes('unlock method 3 (pkcs11)'))).toBe(true);
    await h.ok('vault:lock', {});
    expect(await h.ok('vault:unlock', { id: v.id, passphrase: SECOND, methodId: 2 })).toMatchObject({ keystoreId: v.keystoreId });
  });

  it('rotates the master key: the warning first, a typed confirmation, every method re-wrapped with what was typed', async () => {
    const h = startHarness();
    let ceremonies = 0;
    const v = await lockedVault(h, 'rotating', async (ks) => {
      await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-app' }, pin: USER_PIN, keyLabel: 'rotate-root', generate: true });
      const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: [] });
      recordCeremony(ks, split.record);
      ceremonies = 1;
    });
    await h.ok('vault:unlock', { id: v.id, passphrase: PASS });
    await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    const plan = await h.ok('masterKey:rotationPlan', {});
    expect(plan.activeCeremonies).toBe(ceremonies);
    expect(plan.methods.map((m) => [m.id, m.kind, m.needs])).toEqual([[1, 'passphrase', 'passphrase'], [2, 'pkcs11', 'pin']]);

    const rewrapAll = [
      { action: 'rewrap' as const, methodId: 1, credentials: { kind: 'passphrase' as const, passphrase: PASS } },
      { action: 'rewrap' as const, methodId: 2, credentials: { kind: 'pkcs11' as const, pin: USER_PIN } },
    ];
    const before = sha256File(v.path);
    expect(await h.call('masterKey:rotate', { confirmation: 'rotat', methods: rewrapAll })).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
    expect(await h.call('masterKey:rotate', { confirmation: 'rotate', methods: [rewrapAll[0]!] })).toMatchObject({ ok: false, code: 'ROTATION_METHOD_UNAVAILABLE' });
    expect(await h.call('masterKey:rotate', { confirmation: 'rotate', methods: [rewrapAll[0]!, { ...rewrapAll[1]!, credentials: { kind: 'pkcs11', pin: '0000' } }] })).toMatchObject({ ok: false, code: 'HSM_PIN_INCORRECT' });
    expect(await h.call('masterKey:rotate', { confirmation: 'rotate', methods: [{ action: 'drop', methodId: 1 }, { action: 'drop', methodId: 2 }] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    // The HSM method's entry carrying a passphrase: refused in the worker, never tried.
    expect(await h.call('masterKey:rotate', { confirmation: 'rotate', methods: [rewrapAll[0]!, { action: 'rewrap', methodId: 2, credentials: { kind: 'passphrase', passphrase: PASS } }] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('unlock method 2 is pkcs11, not passphrase') });
    expect(await h.call('masterKey:rotate', { confirmation: 'rotate', methods: [...rewrapAll, { action: 'drop', methodId: 9 }] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(sha256File(v.path)).toBe(before);

    // A custos command in the middle of a read: the rotation's checkpoint waits out the busy timeout (5 s), then
    // stops part-way, and the answer says the records sealed under the old master key are still on disk.
    const reader = new Database(v.path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM key_versions').get();
    const done = await h.ok('masterKey:rotate', { confirmation: 'rotate', methods: rewrapAll });
    reader.close();
    expect(done.oldBytesRemain).toBe(true);
    expect(done.previousVaultFingerprint).toBe(plan.vaultFingerprint);
    expect(done.vaultFingerprint).not.toBe(plan.vaultFingerprint);
    expect(done.supersededCeremonies).toBe(1);
    expect(done.records).toBeGreaterThanOrEqual(6);
    expect(done.methods.map((m) => m.action)).toEqual(['rewrapped', 'rewrapped']);
    expect((await h.ok('keys:list', {})).keys).toHaveLength(6);
    expect(h.events.some((e) => e.channel === 'event:progress' && (e.payload as { task: string }).task === 'rotate')).toBe(true);

    await h.ok('vault:lock', {});
    await h.ok('vault:unlockWithMethod', { id: v.id, methodId: 2, credentials: { kind: 'pkcs11', pin: USER_PIN } });
    expect((await h.ok('masterKey:rotationPlan', {})).vaultFingerprint).toBe(done.vaultFingerprint);
  }, 60_000);
});

describe.skipIf(noOpenssl !== null)('the unlock screen with a Vault transit method (Vault stand-in over HTTPS)', () => {
  let vault: VaultStandIn | null = null;
  afterEach(async () => vault?.close());

  it("checks Vault's certificate against the CA file chosen in main's dialog; no CA, or a cancelled dialog, keeps it locked", async () => {
    const ca = makeTestCa();
    vault = await startVaultStandIn({ cert: ca.serverCert, key: ca.serverKey });
    vault.addToken('hvs.app-token');
    const h = startHarness();
    const caFile = join(h.dir, 'vault-ca.pem');
    writeFileSync(caFile, ca.caPem);
    const endpoint = vault.url;
    const v = await lockedVault(h, 'transit', async (ks) => {
      await addUnlockMethod(ks, { kind: 'vault-transit', endpoint, keyName: 'custos-app', vault: { auth: { method: 'token', token: 'hvs.app-token' }, caPem: ca.caPem } });
    });
    expect((await h.ok('vault:unlockMethods', { id: v.id })).methods.map((m) => m.kind)).toEqual(['passphrase', 'vault-transit']);
    const before = sha256File(v.path);

    await expectLocked(h, v.id, 2, vaultCreds('hvs.app-token', false), 'VAULT_TLS');
    h.fileChoices.push(null);
    await expectLocked(h, v.id, 2, vaultCreds('hvs.app-token', true), 'CANCELLED');
    h.fileChoices.push(caFile);
    await expectLocked(h, v.id, 2, vaultCreds('hvs.wrong', true), 'VAULT_FORBIDDEN');
    h.fileChoices.push(join(h.dir, 'absent.pem'));
    await expectLocked(h, v.id, 2, vaultCreds('hvs.app-token', true), 'INVALID_ARGUMENT');
    expect(sha256File(v.path)).toBe(before);

    h.fileChoices.push(caFile);
    expect(await h.ok('vault:unlockWithMethod', { id: v.id, methodId: 2, credentials: vaultCreds('hvs.app-token', true) })).toMatchObject({ keystoreId: v.keystoreId });
    expect(h.fileChoices).toEqual([]);
  });
});

describe('the unlock screen with a paper method', () => {
  it('a typed quorum unlocks; too few shares or a mistyped word keep it locked with the share code', async () => {
    const h = startHarness();
    let mnemonics: string[] = [];
    const v = await lockedVault(h, 'paper', async (ks) => {
      const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: [] });
      recordCeremony(ks, split.record);
      await addUnlockMethod(ks, { kind: 'paper', ceremonyId: split.record.id, label: 'board quorum' });
      mnemonics = split.sheets.map((s) => s.mnemonic);
    });
    const before = sha256File(v.path);
    const [a, b] = [mnemonics[0] ?? '', mnemonics[2] ?? ''];
    await expectLocked(h, v.id, 2, { kind: 'paper', shares: [a] }, 'SHARES_INSUFFICIENT');
    const words = b.split(' ');
    words[3] = `${words[3]}x`;
    await expectLocked(h, v.id, 2, { kind: 'paper', shares: [a, words.join(' ')] }, 'SHARE_WORD_UNKNOWN');
    expect(sha256File(v.path)).toBe(before);
    expect(await h.ok('vault:unlockWithMethod', { id: v.id, methodId: 2, credentials: { kind: 'paper', shares: [a, b] } })).toMatchObject({ keystoreId: v.keystoreId });
  });
});
