import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { sealRecord } from '../../../src-main/core/keystore/records.js';
import { recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';

/**
 * What `check` proves beyond authentication: a record sealed (by someone
 * holding the wrapping key, or by a faulty writer) with a public key or
 * fingerprint that does not belong to its secret opens, and check must still
 * report it, for both kinds of key pair. The faster per-record paths must
 * not have dropped these comparisons.
 */
async function vault(keyType?: 'x25519'): Promise<TestVault> {
  const v = await makeVault();
  const ks = await v.open();
  ks.generate([{ scope: 'client', clientId: 'client-one', ...(keyType ? { keyType } : {}) }, { scope: 'client', clientId: 'client-two', ...(keyType ? { keyType } : {}) }]);
  ks.close();
  return v;
}

/** Re-seals `name`'s secret consistently (it opens) but bound to another key's public key, which is also stored. */
function resealWithPublicKeyOf(v: TestVault, name: string, other: string): void {
  const db = new Database(v.path);
  const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
  const row = (name: string) => db.prepare('SELECT k.id, k.purpose, k.algorithm, v.public_key FROM keys k JOIN key_versions v ON v.key_id = k.id WHERE k.name = ?').get(name) as { id: number; purpose: 'storage'; algorithm: 'p256'; public_key: Uint8Array };
  const target = row(name);
  const publicKey = row(other).public_key;
  const ks = recordWrapKey(v.masterKey, keystoreId);
  const secret = new Uint8Array(32).fill(0x11); // a valid scalar on both curves, not the pair of either public key
  const sealed = sealRecord(ks, secret, { keystoreId, name, purpose: target.purpose, algorithm: target.algorithm, version: 1, publicKey });
  db.prepare('UPDATE key_versions SET public_key = ?, sealed = ? WHERE key_id = ?').run(publicKey, sealed, target.id);
  db.close();
}

describe('check compares every pair and fingerprint with its secret', () => {
  for (const keyType of [undefined, 'x25519'] as const) {
    const label = keyType ?? 'default (P-256)';
    it(`${label}: a record that opens but holds a public key not of its secret is reported`, async () => {
      const v = await vault(keyType);
      resealWithPublicKeyOf(v, 'client-one_storage', 'client-two_storage');
      const ks = await v.open();
      const report = checkKeystore(ks);
      ks.close();
      expect(report.problems).toEqual([expect.objectContaining({ name: 'client-one_storage', code: 'KEY_RECORD_TAMPERED', message: 'stored public key does not match the private key' })]);
    });

    it(`${label}: an edited fingerprint of a key pair is reported`, async () => {
      const v = await vault(keyType);
      const db = new Database(v.path);
      db.prepare("UPDATE key_versions SET fingerprint = '00000000000000000000000000000000' WHERE key_id = (SELECT id FROM keys WHERE name = 'client-two_storage')").run();
      db.close();
      const ks = await v.open();
      const report = checkKeystore(ks);
      ks.close();
      expect(report.problems).toEqual([expect.objectContaining({ name: 'client-two_storage', code: 'KEY_RECORD_TAMPERED', message: 'stored fingerprint does not match the key material' })]);
      expect(report.opened).toBe(11);
    });
  }
});
