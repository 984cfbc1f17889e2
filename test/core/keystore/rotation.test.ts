import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../shared/errors.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { openRecord } from '../../../src-main/core/keystore/records.js';
import { rotateMasterKey } from '../../../src-main/core/keystore/rotation/rotate.js';
import { passphraseRewrapper } from '../../../src-main/core/keystore/rotation/rewrap.js';
import { readUnlockMethods } from '../../../src-main/core/keystore/unlock.js';
import type { Keystore } from '../../../src-main/core/keystore/keystore.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { auditKeysFor } from '../../../src-main/core/audit/keys.js';
import { AuditLog } from '../../../src-main/core/audit/log.js';
import { auditEntries, verifyAudit } from '../../../src-main/core/audit/report.js';
import { checkShare, recordCeremony, splitVault } from '../../../src-main/core/paper/paperVault.js';
import { toHex } from '../../../src-main/core/crypto/bytes.js';
import { makeVault } from '../../helpers/keystore.js';
import { withDb, snapshot, withUnlockNotes } from '../../cli/fixtures.js';

const PASS = 'rotation passphrase';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
  return 'no error';
}

function secrets(ks: Keystore): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of ks.versionRows()) if (row.sealed && row.public_only === 0) out.set(`${row.name}/${row.version}`, toHex(ks.openSecret(row)));
  return out;
}

function passphraseMethods(ks: Keystore): Map<number, ReturnType<typeof passphraseRewrapper>> {
  const ids = ks.internal('read', (ctx) => readUnlockMethods(ctx.db)).filter((m) => m.kind === 'passphrase').map((m) => m.id);
  return new Map(ids.map((id) => [id, passphraseRewrapper(PASS)]));
}

describe('master-key rotation', () => {
  it('re-wraps 10,000 keys in one transaction: all readable under the new key, none under the old', async () => {
    const v = await makeVault({ passphrase: PASS });
    let ks = await v.open();
    const clients = Array.from({ length: 5000 }, (_, i) => `client${String(i).padStart(5, '0')}`);
    ks.generate(clients.map((clientId) => ({ scope: 'client' as const, clientId, purposes: ['storage-sym' as const, 'hmac' as const] })));
    ks.generate([{ scope: 'client', clientId: 'acra1' }]);
    ks.rotate('acra1_storage');
    ks.disable('acra1_hmac');
    ks.destroy('acra1_server');
    const before = secrets(ks);
    expect(before.size).toBeGreaterThanOrEqual(10_000);
    const sealedBefore = new Map([...ks.versionRows()].map((r) => [`${r.name}/${r.version}`, r]));
    const keystoreId = Buffer.from(ks.keystoreId, 'hex');
    const oldFingerprint = ks.vaultFingerprint();

    const newMasterKey = generateMasterKey();
    const result = await rotateMasterKey(ks, { newMasterKey, rewrappers: passphraseMethods(ks) });
    expect(result.records).toBe(before.size);
    expect(result.previousVaultFingerprint).toBe(oldFingerprint);
    expect(ks.vaultFingerprint()).toBe(result.vaultFingerprint);
    expect(result.vaultFingerprint).not.toBe(oldFingerprint);
    // The same object keeps working under the new key.
    expect(secrets(ks)).toEqual(before);
    expect(ks.generate([{ scope: 'client', clientId: 'after1' }]).length).toBe(6);
    ks.close();

    // The old master key no longer opens the keystore, and the old wrap key opens no record.
    expect(await code(openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(v.masterKey) }))).toBe('WRONG_MASTER_KEY');
    const oldWrap = recordWrapKey(v.masterKey, keystoreId);
    ks = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(newMasterKey) });
    let opened = 0;
    for (const row of ks.versionRows()) {
      if (!row.sealed || !sealedBefore.has(`${row.name}/${row.version}`)) continue;
      expect(Buffer.from(row.sealed).equals(Buffer.from(sealedBefore.get(`${row.name}/${row.version}`)?.sealed ?? []))).toBe(false);
      const id = { keystoreId, name: row.name, purpose: row.purpose, algorithm: row.algorithm, version: row.version, publicKey: row.public_key };
      expect(openRecord(oldWrap, row.sealed, id)).toBeNull();
      opened++;
    }
    expect(opened).toBe(before.size);
    const after = secrets(ks);
    for (const [name, secret] of before) expect(after.get(name), name).toBe(secret);
    expect(ks.get('acra1_hmac').versions[0]?.state).toBe('disabled');
    expect(ks.get('acra1_server').versions[0]?.state).toBe('destroyed');

    // The audit log verifies under the new root only, with the rotation recorded under the old one.
    expect(verifyAudit(ks).ok).toBe(true);
    const rotate = auditEntries(ks).find((e) => e.operation === 'master-key-rotate');
    expect(rotate?.subject).toMatchObject({ previousVaultFingerprint: oldFingerprint, vaultFingerprint: result.vaultFingerprint, records: before.size });
    const stale = ks.internal('read', (ctx) => new AuditLog(ctx.db, ctx.keystoreId, auditKeysFor(v.masterKey, ctx.keystoreId)).verify());
    expect(stale.ok).toBe(false);
    ks.close();

    // The passphrase method was re-wrapped to the new key.
    ks = await openKeystore(v.path, { kind: 'passphrase', passphrase: PASS });
    expect(ks.vaultFingerprint()).toBe(result.vaultFingerprint);
    ks.close();
  }, 120_000);

  it('a wrong passphrase for a method changes nothing, byte for byte', async () => {
    const v = await makeVault({ passphrase: PASS });
    const ks = await v.open();
    ks.generate([{ scope: 'client', clientId: 'one11' }]);
    ks.close();
    const before = snapshot(v.path);
    const again = await v.open();
    const ids = again.internal('read', (ctx) => readUnlockMethods(ctx.db)).map((m) => m.id);
    const rewrappers = new Map(ids.map((id) => [id, passphraseRewrapper('not the passphrase')]));
    expect(await code(rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers }))).toBe('WRONG_PASSPHRASE');
    // Without credentials at all: refused, unless dropped.
    expect(await code(rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers: new Map() }))).toBe('ROTATION_METHOD_UNAVAILABLE');
    expect(await code(rotateMasterKey(again, { newMasterKey: new Uint8Array(v.masterKey), rewrappers: new Map(), drop: ids }))).toBe('ROTATION_SAME_KEY');
    again.close();
    expect(snapshot(v.path)).toEqual(withUnlockNotes(before, v.path));
  });

  it('a record that does not open midway rolls everything back', async () => {
    const v = await makeVault();
    const ks = await v.open();
    ks.generate([{ scope: 'client', clientId: 'one11' }, { scope: 'client', clientId: 'two22' }]);
    ks.close();
    // Swap two sealed records: each fails its identity, and the re-seal stops at the first.
    withDb(v.path, (db) => {
      const a = db.prepare("SELECT v.sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = 'two22_hmac'").get() as { sealed: Buffer };
      db.prepare("UPDATE key_versions SET sealed = ? WHERE key_id = (SELECT id FROM keys WHERE name = 'two22_storage_sym')").run(a.sealed);
    });
    const before = snapshot(v.path);
    const again = await v.open();
    expect(await code(rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers: new Map() }))).toBe('KEY_RECORD_TAMPERED');
    again.close();
    expect(snapshot(v.path)).toEqual(withUnlockNotes(before, v.path));
    const still = await v.open();
    expect(still.get('one11_hmac').versions).toHaveLength(1);
    still.close();
  });

  it('refuses to re-MAC an audit log that fails verification', async () => {
    const v = await makeVault();
    const ks = await v.open();
    ks.generate([{ scope: 'client', clientId: 'one11' }]);
    ks.close();
    withDb(v.path, (db) => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").run());
    const before = snapshot(v.path);
    const again = await v.open();
    expect(await code(rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers: new Map() }))).toBe('AUDIT_TAMPERED');
    again.close();
    expect(snapshot(v.path)).toEqual(withUnlockNotes(before, v.path));
  });

  it('supersedes paper ceremonies: a sheet is still recognised, as superseded', async () => {
    const v = await makeVault();
    const ks = await v.open();
    const made = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], custodians: ['Ana'] });
    recordCeremony(ks, made.record);
    const mnemonic = made.sheets[0]?.mnemonic ?? '';
    expect(checkShare(mnemonic, ks).match?.supersededAt).toBeNull();
    const r1 = await rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map() });
    expect(r1.supersededCeremonies).toBe(1);
    // A second rotation re-seals the old epoch's tag key; the sheet is still told apart from a forgery.
    const r2 = await rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map() });
    expect(r2.supersededCeremonies).toBe(0);
    const check = checkShare(mnemonic, ks);
    expect(check.genuine).toBe(true);
    expect(check.match?.supersededAt).toBe(r1.rotatedAt);
    expect(check.match?.custodian).toBe('Ana');
    expect(check.sheetFingerprint).toBe(made.sheets[0]?.sheetFingerprint);
    expect(verifyAudit(ks).ok).toBe(true);
    ks.close();
  });
});
