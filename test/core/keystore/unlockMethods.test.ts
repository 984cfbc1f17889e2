import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustosError } from '../../../shared/errors.js';
import { pkcs11js } from '../../../src-main/core/kms/pkcs11/binding.js';
import { findKeyByLabel } from '../../../src-main/core/kms/pkcs11/keys.js';
import { withHsmSession } from '../../../src-main/core/kms/pkcs11/session.js';
import { addUnlockMethod, listUnlockMethods, removeUnlockMethod } from '../../../src-main/core/keystore/methods/manage.js';
import { rewrapperFor as rewrapperWithGate } from '../../../src-main/core/keystore/methods/unwrap.js';
import { openKeystore as openWithOptions } from '../../../src-main/core/keystore/open.js';
import type { ApprovalGate } from '../../../src-main/core/config/approvals.js';
import type { MethodCredentials } from '../../../src-main/core/keystore/methods/kinds.js';
import { realpathSync } from 'node:fs';
import { rotateMasterKey } from '../../../src-main/core/keystore/rotation/rotate.js';
import type { Unlock } from '../../../src-main/core/keystore/unlock.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { recordCeremony, splitVault } from '../../../src-main/core/paper/paperVault.js';
import { verifyAudit, auditEntries } from '../../../src-main/core/audit/report.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../../helpers/softhsm.js';
import { startVaultStandIn, type VaultStandIn } from '../../helpers/vaultStandIn.js';
import { sha256File } from '../../helpers/tmp.js';

// These tests are about the methods: the SoftHSM2 module and the Vault stand-in on loopback are
// approved here. The gate itself is tested in test/security/approvals.test.ts.
const TEST_APPROVED: ApprovalGate = async (t) => {
  if (t.kind === 'vault-server' ? /^https?:\/\/127\.0\.0\.1:\d+$/.test(t.endpoint) : t.path === realpathSync(SOFTHSM_MODULE)) return;
  throw new CustosError('NOT_APPROVED', 'not approved by this test');
};
const openKeystore = (path: string, unlock: Unlock) => openWithOptions(path, unlock, { approvals: TEST_APPROVED });
const rewrapperFor = (creds: MethodCredentials) => rewrapperWithGate(creds, TEST_APPROVED);

const PASS = 'methods passphrase';
const TOKEN = 'hvs.unlock-methods';
const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED PKCS#11 unlock-method tests: ${unavailable}`);

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    const ks = await promise;
    (ks as { close?: () => void } | undefined)?.close?.();
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
  return 'no error';
}

async function fingerprintVia(v: TestVault, unlock: Unlock): Promise<string> {
  const ks = await openKeystore(v.path, unlock);
  try {
    return ks.vaultFingerprint();
  } finally {
    ks.close();
  }
}

describe.skipIf(unavailable !== null)('PKCS#11 unlock method (real SoftHSM2)', () => {
  let folder: SoftHsmFolder;
  const token = { label: 'custos-methods' };
  const hsm = { modulePath: SOFTHSM_MODULE, token, pin: USER_PIN };
  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken(token.label);
  });
  afterAll(() => folder.remove());

  it('adds, unlocks, survives rotation, and fails with its own code when the HSM key is disabled or destroyed', async () => {
    const v = await makeVault({ passphrase: PASS });
    let ks = await v.open();
    const added = await addUnlockMethod(ks, { kind: 'pkcs11', ...hsm, keyLabel: 'root-1', generate: true });
    expect(added).toMatchObject({ kind: 'pkcs11', params: { modulePath: SOFTHSM_MODULE, token, keyLabel: 'root-1', mechanism: 'CKM_AES_GCM' } });
    expect(JSON.stringify(listUnlockMethods(ks))).not.toContain(USER_PIN);
    const expected = ks.vaultFingerprint();
    ks.close();
    expect(await fingerprintVia(v, { kind: 'pkcs11', pin: USER_PIN })).toBe(expected);
    expect(await code(openKeystore(v.path, { kind: 'pkcs11', pin: '0000' }))).toBe('HSM_PIN_INCORRECT');

    // Rotation re-wraps the HSM method with its PIN, and the passphrase method with its passphrase.
    ks = await openKeystore(v.path, { kind: 'pkcs11', pin: USER_PIN });
    const rewrappers = new Map(listUnlockMethods(ks).map((m) => [m.id, m.kind === 'pkcs11' ? rewrapperFor({ kind: 'pkcs11', pin: USER_PIN }) : rewrapperFor({ kind: 'passphrase', passphrase: PASS })] as const).filter((e): e is [number, NonNullable<(typeof e)[1]>] => e[1] !== null));
    const rotated = await rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers });
    ks.close();
    expect(await fingerprintVia(v, { kind: 'pkcs11', pin: USER_PIN })).toBe(rotated.vaultFingerprint);

    // Disabled on the token: the HSM method fails with HSM_KEY_DISABLED, the vault stays locked, the passphrase still works.
    const setDecrypt = (value: boolean) =>
      withHsmSession(hsm, (s) => s.pkcs11.C_SetAttributeValue(s.handle, findKeyByLabel(s, 'root-1').handle, [{ type: pkcs11js().CKA_DECRYPT, value }]));
    await setDecrypt(false);
    const before = sha256File(v.path);
    expect(await code(openKeystore(v.path, { kind: 'pkcs11', pin: USER_PIN }))).toBe('HSM_KEY_DISABLED');
    expect(sha256File(v.path)).toBe(before);
    expect(await fingerprintVia(v, { kind: 'passphrase', passphrase: PASS })).toBe(rotated.vaultFingerprint);
    await setDecrypt(true);
    expect(await fingerprintVia(v, { kind: 'pkcs11', pin: USER_PIN })).toBe(rotated.vaultFingerprint);
    await withHsmSession(hsm, (s) => s.pkcs11.C_DestroyObject(s.handle, findKeyByLabel(s, 'root-1').handle));
    expect(await code(openKeystore(v.path, { kind: 'pkcs11', pin: USER_PIN }))).toBe('HSM_KEY_NOT_FOUND');
    expect(await fingerprintVia(v, { kind: 'passphrase', passphrase: PASS })).toBe(rotated.vaultFingerprint);

    // Remove it; the last method left cannot be removed.
    ks = await openKeystore(v.path, { kind: 'passphrase', passphrase: PASS });
    const [pass, hsmRow] = listUnlockMethods(ks);
    expect(removeUnlockMethod(ks, hsmRow?.id ?? 0).kind).toBe('pkcs11');
    expect(() => removeUnlockMethod(ks, pass?.id ?? 0)).toThrow(expect.objectContaining({ code: 'UNLOCK_METHOD_LAST' }));
    expect(auditEntries(ks).map((e) => e.operation)).toEqual(expect.arrayContaining(['unlock-method-add', 'master-key-rotate', 'unlock-method-remove']));
    expect(verifyAudit(ks).ok).toBe(true);
    ks.close();
    expect(await code(openKeystore(v.path, { kind: 'pkcs11', pin: USER_PIN }))).toBe('UNLOCK_METHOD_NOT_FOUND');
  });

  it('holds your own key: an existing key chosen by label; a missing label is HSM_KEY_NOT_FOUND and adds nothing', async () => {
    const v = await makeVault();
    const ks = await v.open();
    expect(await code(addUnlockMethod(ks, { kind: 'pkcs11', ...hsm, keyLabel: 'not-there', generate: false }))).toBe('HSM_KEY_NOT_FOUND');
    await addUnlockMethod(ks, { kind: 'pkcs11', ...hsm, keyLabel: 'byok-root', generate: true });
    await addUnlockMethod(ks, { kind: 'pkcs11', ...hsm, keyLabel: 'byok-root', generate: false, label: 'same key again' });
    expect(listUnlockMethods(ks)).toHaveLength(2);
    ks.close();
    expect(await code(openKeystore(v.path, { kind: 'pkcs11', pin: USER_PIN }))).toBe('INVALID_ARGUMENT');
    expect(await fingerprintVia(v, { kind: 'pkcs11', pin: USER_PIN, methodId: 2 })).toMatch(/^[0-9a-f-]+$/);
  });
});

describe('Vault unlock methods (Vault stand-in)', () => {
  let vault: VaultStandIn;
  const access = () => ({ auth: { method: 'token' as const, token: TOKEN }, allowPlainHttp: true, timeoutMs: 500 });
  beforeEach(async () => {
    vault = await startVaultStandIn();
    vault.addToken(TOKEN);
  });
  afterEach(() => vault.close());

  it('vault-transit: adds and unlocks; sealed, 403 and timeout keep the vault locked with typed codes', async () => {
    const v = await makeVault({ passphrase: PASS });
    const ks = await v.open();
    await addUnlockMethod(ks, { kind: 'vault-transit', endpoint: vault.url, keyName: 'custos-root', vault: access() });
    const expected = ks.vaultFingerprint();
    ks.close();
    expect(await fingerprintVia(v, { kind: 'vault-transit', vault: access() })).toBe(expected);
    // Rotation re-wraps through transit (proving the old wrap opens first).
    const rk = await v.open();
    const ids = listUnlockMethods(rk).map((m) => m.id);
    const rewrap = (id: number) => (id === 1 ? rewrapperFor({ kind: 'passphrase', passphrase: PASS }) : rewrapperFor({ kind: 'vault-transit', vault: access() }));
    const rotated = await rotateMasterKey(rk, { newMasterKey: generateMasterKey(), rewrappers: new Map(ids.map((id) => [id, rewrap(id) as NonNullable<ReturnType<typeof rewrap>>])) });
    rk.close();
    const wrongVault = { ...access(), auth: { method: 'token' as const, token: 'hvs.nope' } };
    expect(await fingerprintVia(v, { kind: 'vault-transit', vault: access() })).toBe(rotated.vaultFingerprint);
    const before = sha256File(v.path);
    vault.switches.sealed = true;
    expect(await code(openKeystore(v.path, { kind: 'vault-transit', vault: access() }))).toBe('VAULT_SEALED');
    vault.switches.sealed = false;
    expect(await code(openKeystore(v.path, { kind: 'vault-transit', vault: wrongVault }))).toBe('VAULT_FORBIDDEN');
    vault.switches.delayMs = 1500;
    expect(await code(openKeystore(v.path, { kind: 'vault-transit', vault: access() }))).toBe('VAULT_TIMEOUT');
    vault.switches.delayMs = 0;
    vault.switches.malformed = { path: /transit\/decrypt/, status: 200, body: '{"data":{"plaintext":"bm90IDMyIGJ5dGVz"}}' };
    expect(await code(openKeystore(v.path, { kind: 'vault-transit', vault: access() }))).toBe('VAULT_MALFORMED');
    vault.switches.malformed = null;
    expect(sha256File(v.path)).toBe(before);
    // The passphrase is untouched by all of it.
    expect(await fingerprintVia(v, { kind: 'passphrase', passphrase: PASS })).toBe(rotated.vaultFingerprint);
  });

  it('vault-kv: --write stores the key, AppRole reads it back; another key in KV is WRONG_MASTER_KEY; rotation needs it dropped', async () => {
    vault.addAppRole('role-1', 'secret-1', ['secret/']);
    const v = await makeVault();
    let ks = await v.open();
    const location = { endpoint: vault.url, path: 'custos/root', vault: access() };
    expect(await code(addUnlockMethod(ks, { kind: 'vault-kv', ...location }))).toBe('VAULT_NOT_FOUND');
    const added = await addUnlockMethod(ks, { kind: 'vault-kv', ...location, write: true });
    expect(vault.kvVersions('custos/root')).toBe(1);
    const expected = ks.vaultFingerprint();
    ks.close();
    const approle = { auth: { method: 'approle' as const, roleId: 'role-1', secretId: 'secret-1' }, allowPlainHttp: true, timeoutMs: 500 };
    expect(await fingerprintVia(v, { kind: 'vault-kv', vault: approle })).toBe(expected);
    ks = await v.open();
    expect(await code(rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map() }))).toBe('ROTATION_METHOD_UNAVAILABLE');
    expect(rewrapperFor({ kind: 'vault-kv', vault: access() })).toBeNull();
    await rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map(), drop: [added.id] });
    ks.close();
    // The KV secret still holds the old key: it is simply another key now.
    vault.putKv('custos/root', { master_key: Buffer.alloc(32, 7).toString('base64') });
    expect(await code(openKeystore(v.path, { kind: 'vault-kv', vault: access() }))).toBe('UNLOCK_METHOD_NOT_FOUND');
  });
});

describe('paper unlock method', () => {
  it('a quorum of a recorded ceremony unlocks; after a rotation it must be dropped and its shares no longer unlock', async () => {
    const v = await makeVault();
    const ks = await v.open();
    const made = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: [] });
    recordCeremony(ks, made.record);
    const method = await addUnlockMethod(ks, { kind: 'paper', ceremonyId: made.record.id });
    const expected = ks.vaultFingerprint();
    ks.close();
    const shares = made.sheets.slice(0, 2).map((s, i) => ({ source: `sheet ${i + 1}`, text: s.mnemonic }));
    expect(await fingerprintVia(v, { kind: 'paper', shares })).toBe(expected);
    expect(await code(openKeystore(v.path, { kind: 'paper', shares: shares.slice(0, 1) }))).toBe('SHARES_INSUFFICIENT');
    const again = await v.open();
    expect(await code(rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers: new Map() }))).toBe('ROTATION_METHOD_UNAVAILABLE');
    again.close();
    expect(method.kind).toBe('paper');
  });
});
