import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import type { Keystore } from '../../../src-main/core/keystore/keystore.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';

/** A vault with two clients' keys, and a way to edit its file with plain SQL while it is closed. */
async function vaultWithKeys(): Promise<TestVault> {
  const vault = await makeVault();
  const ks = await vault.open();
  ks.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'client', clientId: 'client-two' }]);
  ks.close();
  return vault;
}

function sql(vault: TestVault, statements: string, ...args: unknown[]): void {
  const db = new Database(vault.path);
  db.prepare(statements).run(...args);
  db.close();
}

function versionRow(ks: Keystore, name: string) {
  const row = [...ks.versionRows()].find((r) => r.name === name);
  if (!row) throw new Error(`no row ${name}`);
  return row;
}

async function problemsAfter(vault: TestVault) {
  const ks = await vault.open();
  try {
    return checkKeystore(ks).problems;
  } finally {
    ks.close();
  }
}

describe('sealed records are bound to their identity (edited with SQL)', () => {
  it('an untouched keystore opens every record and reports no problem', async () => {
    const vault = await vaultWithKeys();
    const ks = await vault.open();
    const report = checkKeystore(ks);
    ks.close();
    expect(report.problems).toEqual([]);
    expect(report.opened).toBe(12);
  });

  it('a renamed key no longer opens', async () => {
    const vault = await vaultWithKeys();
    sql(vault, "UPDATE keys SET name = 'client-one_storage_renamed' WHERE name = 'client-one_storage'");
    const ks = await vault.open();
    expect(() => ks.openSecret(versionRow(ks, 'client-one_storage_renamed'))).toThrow(expect.objectContaining({ code: 'KEY_RECORD_TAMPERED' }));
    ks.close();
    expect(await problemsAfter(vault)).toEqual([expect.objectContaining({ name: 'client-one_storage_renamed', code: 'KEY_RECORD_TAMPERED' })]);
  });

  it('two sealed blobs swapped between keys of the same algorithm are both caught', async () => {
    const vault = await vaultWithKeys();
    const db = new Database(vault.path);
    const id = (name: string) => (db.prepare('SELECT id FROM keys WHERE name = ?').get(name) as { id: number }).id;
    const a = id('client-one_hmac');
    const b = id('client-two_hmac');
    const sealedOf = (keyId: number) => (db.prepare('SELECT sealed FROM key_versions WHERE key_id = ?').get(keyId) as { sealed: Buffer }).sealed;
    const [sa, sb] = [sealedOf(a), sealedOf(b)];
    db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ?').run(sb, a);
    db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ?').run(sa, b);
    db.close();
    const problems = await problemsAfter(vault);
    expect(problems.map((p) => [p.name, p.code]).sort()).toEqual([
      ['client-one_hmac', 'KEY_RECORD_TAMPERED'],
      ['client-two_hmac', 'KEY_RECORD_TAMPERED'],
    ]);
  });

  it('a changed purpose, algorithm or version number no longer opens', async () => {
    for (const edit of [
      "UPDATE keys SET purpose = 'storage-sym' WHERE name = 'client-one_hmac'",
      "UPDATE keys SET algorithm = 'x25519' WHERE name = 'client-one_hmac'",
      "UPDATE key_versions SET version = 7 WHERE key_id = (SELECT id FROM keys WHERE name = 'client-one_hmac')",
    ]) {
      const vault = await vaultWithKeys();
      sql(vault, edit);
      if (edit.includes('version = 7')) sql(vault, "UPDATE keys SET current_version = 7 WHERE name = 'client-one_hmac'");
      const problems = await problemsAfter(vault);
      expect(problems, edit).toEqual([expect.objectContaining({ name: 'client-one_hmac', code: 'KEY_RECORD_TAMPERED' })]);
    }
  });

  it('a record moved into another keystore (same master key) does not open there', async () => {
    const source = await vaultWithKeys();
    const target = await makeVault();
    const tks = await target.open();
    tks.generate([{ scope: 'client', clientId: 'client-one', purposes: ['hmac'] }]);
    tks.close();
    const src = new Database(source.path, { readonly: true });
    const moved = src.prepare("SELECT v.sealed, v.fingerprint FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = 'client-one_hmac'").get() as {
      sealed: Buffer;
      fingerprint: string;
    };
    src.close();
    sql(target, 'UPDATE key_versions SET sealed = ?, fingerprint = ?', moved.sealed, moved.fingerprint);
    expect(await problemsAfter(target)).toEqual([expect.objectContaining({ name: 'client-one_hmac', code: 'KEY_RECORD_TAMPERED' })]);
  });

  it('a substituted public key is refused before it is printed as PEM', async () => {
    const vault = await vaultWithKeys();
    const ks = await vault.open();
    const genuine = ks.publicKeyPem('client-one_storage');
    ks.close();
    sql(vault, "UPDATE key_versions SET public_key = (SELECT public_key FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = 'client-two_storage') WHERE key_id = (SELECT id FROM keys WHERE name = 'client-one_storage')");
    const reopened = await vault.open();
    expect(() => reopened.publicKeyPem('client-one_storage')).toThrow(expect.objectContaining({ code: 'KEY_RECORD_TAMPERED' }));
    expect(genuine).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    reopened.close();
  });

  it('a flipped ciphertext byte and an edited fingerprint are each reported', async () => {
    const vault = await vaultWithKeys();
    const db = new Database(vault.path);
    const where = "WHERE key_id = (SELECT id FROM keys WHERE name = 'client-one')";
    const sealed = (db.prepare(`SELECT sealed FROM key_versions ${where}`).get() as { sealed: Buffer }).sealed;
    sealed[30] = (sealed[30] ?? 0) ^ 0x01;
    db.prepare(`UPDATE key_versions SET sealed = ? ${where}`).run(sealed);
    db.close();
    sql(vault, "UPDATE key_versions SET fingerprint = '00000000000000000000000000000000' WHERE key_id = (SELECT id FROM keys WHERE name = 'client-two_storage_sym')");
    const problems = await problemsAfter(vault);
    expect(problems.map((p) => p.name).sort()).toEqual(['client-one', 'client-two_storage_sym']);
    expect(problems.every((p) => p.code === 'KEY_RECORD_TAMPERED')).toBe(true);
  });

  it('a current version that points nowhere is reported', async () => {
    const vault = await vaultWithKeys();
    sql(vault, "UPDATE keys SET current_version = 5 WHERE name = 'client-two'");
    expect(await problemsAfter(vault)).toEqual([expect.objectContaining({ name: 'client-two', code: 'KEYSTORE_CORRUPT' })]);
  });
});
