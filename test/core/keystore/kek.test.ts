import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../shared/errors.js';
import { kekCreate, kekDestroy, kekDisable, kekEnable, kekList } from '../../../src-main/core/keystore/kek/manage.js';
import type { Keystore } from '../../../src-main/core/keystore/keystore.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { rotateMasterKey } from '../../../src-main/core/keystore/rotation/rotate.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { auditEntries, verifyAudit } from '../../../src-main/core/audit/report.js';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { makeVault } from '../../helpers/keystore.js';
import { withDb } from '../../cli/fixtures.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
  return 'no error';
}

function open(ks: Keystore, name: string): string {
  const detail = ks.get(name);
  const row = [...ks.versionRows()].find((r) => r.name === name && r.version === detail.currentVersion);
  if (!row) throw new Error(`no row for ${name}`);
  return Buffer.from(ks.openSecret(row)).toString('hex');
}

describe('KEK hierarchy', () => {
  it("a client's new keys go under its KEK; disabling it cuts them off until enabled; other keys are untouched", async () => {
    const v = await makeVault();
    const ks = await v.open();
    ks.generate([{ scope: 'client', clientId: 'before1', purposes: ['hmac'] }]);
    const kek = kekCreate(ks, 'client', 'billing1');
    expect(() => kekCreate(ks, 'client', 'billing1')).toThrow(expect.objectContaining({ code: 'KEK_EXISTS' }));
    ks.generate([{ scope: 'client', clientId: 'billing1' }, { scope: 'client', clientId: 'other1', purposes: ['hmac'] }]);
    const rows = [...ks.versionRows()];
    expect(rows.filter((r) => r.kek_id === kek.id).map((r) => r.name).sort()).toEqual(['billing1', 'billing1_hmac', 'billing1_server', 'billing1_storage', 'billing1_storage_sym', 'billing1_translator']);
    expect(rows.find((r) => r.name === 'other1_hmac')?.kek_id).toBeNull();
    const secret = open(ks, 'billing1_hmac');
    ks.rotate('billing1_hmac');
    expect(kekList(ks)[0]?.keys).toBe(7);

    kekDisable(ks, kek.id);
    expect(codeOf(() => open(ks, 'billing1_storage_sym'))).toBe('KEK_DISABLED');
    expect(codeOf(() => ks.publicKeyPem('billing1_storage'))).toBe('KEK_DISABLED');
    const later = kekCreate(ks, 'client', 'later1');
    kekDisable(ks, later.id);
    // A disabled KEK refuses new keys rather than letting them fall back to the master key.
    expect(codeOf(() => ks.generate([{ scope: 'client', clientId: 'later1', purposes: ['hmac'] }]))).toBe('KEK_DISABLED');
    expect(codeOf(() => ks.rotate('billing1_hmac'))).toBe('KEK_DISABLED');
    expect(open(ks, 'other1_hmac')).toMatch(/^[0-9a-f]{64}$/);
    expect(checkKeystore(ks).problems.map((p) => p.code)).toContain('KEK_DISABLED');
    kekEnable(ks, kek.id);
    const first = [...ks.versionRows()].find((r) => r.name === 'billing1_hmac' && r.version === 1);
    expect(first && Buffer.from(ks.openSecret(first)).toString('hex')).toBe(secret);
    kekEnable(ks, later.id);
    expect(checkKeystore(ks).problems).toEqual([]);
    ks.close();
  });

  it('the record binds its wrapping key: moved to the master key or to another KEK, it does not open', async () => {
    const v = await makeVault();
    const ks = await v.open();
    const a = kekCreate(ks, 'client', 'alpha1');
    kekCreate(ks, 'system', 'payments');
    ks.generate([{ scope: 'client', clientId: 'alpha1', purposes: ['hmac'] }]);
    ks.generate([{ scope: 'global', purposes: ['auth'] }], { system: 'payments' });
    expect(codeOf(() => ks.generate([{ scope: 'global', purposes: ['poison-sym'] }], { system: 'nowhere' }))).toBe('KEK_NOT_FOUND');
    ks.close();
    withDb(v.path, (db) => db.prepare("UPDATE keys SET kek_id = NULL WHERE name = 'alpha1_hmac'").run());
    withDb(v.path, (db) => db.prepare("UPDATE keys SET kek_id = ? WHERE name = 'auth_key'").run(a.id));
    const again = await v.open();
    expect(codeOf(() => open(again, 'alpha1_hmac'))).toBe('KEY_RECORD_TAMPERED');
    expect(codeOf(() => open(again, 'auth_key'))).toBe('KEY_RECORD_TAMPERED');
    again.close();
  });

  it('master-key rotation re-wraps the KEK, not the records below it; destroying the KEK destroys them', async () => {
    const v = await makeVault();
    const ks = await v.open();
    const kek = kekCreate(ks, 'client', 'gamma1');
    ks.generate([{ scope: 'client', clientId: 'gamma1', purposes: ['hmac', 'storage-sym'] }, { scope: 'client', clientId: 'delta1', purposes: ['hmac'] }]);
    const sealedBefore = new Map([...ks.versionRows()].map((r) => [r.name, Buffer.from(r.sealed ?? [])]));
    const secret = open(ks, 'gamma1_hmac');
    const newKey = generateMasterKey();
    const rotated = await rotateMasterKey(ks, { newMasterKey: newKey, rewrappers: new Map() });
    expect(rotated).toMatchObject({ records: 1, keks: 1 });
    const after = new Map([...ks.versionRows()].map((r) => [r.name, Buffer.from(r.sealed ?? [])]));
    expect(after.get('gamma1_hmac')?.equals(sealedBefore.get('gamma1_hmac') ?? Buffer.alloc(0))).toBe(true);
    expect(after.get('delta1_hmac')?.equals(sealedBefore.get('delta1_hmac') ?? Buffer.alloc(0))).toBe(false);
    ks.close();
    const reopened = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(newKey) });
    expect(open(reopened, 'gamma1_hmac')).toBe(secret);

    const destroyed = kekDestroy(reopened, kek.id);
    expect(destroyed.state).toBe('destroyed');
    expect(reopened.get('gamma1_hmac').versions.map((x) => x.state)).toEqual(['destroyed']);
    expect(codeOf(() => open(reopened, 'gamma1_hmac'))).toBe('KEY_DESTROYED');
    expect(open(reopened, 'delta1_hmac')).toMatch(/^[0-9a-f]{64}$/);
    withDb(v.path, (db) => {
      expect(db.prepare('SELECT count(*) AS n FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.kek_id = ? AND v.sealed IS NOT NULL').get(kek.id)).toEqual({ n: 0 });
      expect(db.prepare('SELECT sealed FROM keks WHERE id = ?').get(kek.id)).toEqual({ sealed: null });
    });
    // A new KEK can be made for the same client once the old one is destroyed.
    expect(kekCreate(reopened, 'client', 'gamma1').id).not.toBe(kek.id);
    expect(auditEntries(reopened).map((e) => e.operation)).toEqual(expect.arrayContaining(['kek-create', 'kek-destroy']));
    expect(verifyAudit(reopened).ok).toBe(true);
    reopened.close();
  });
});
