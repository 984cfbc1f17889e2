import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportBundle } from '../../../src-main/core/bundle/export.js';
import { sealRecord } from '../../../src-main/core/keystore/records.js';
import { recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Export signs what it writes only once each P-256 record's point and
 * fingerprint are shown to be its secret's. A record re-sealed (it opens)
 * with another key's point and that key's fingerprint agrees with itself on
 * the public side; only the secret tells it apart, and export must refuse it.
 */
function resealWithPairOf(v: TestVault, name: string, other: string): void {
  const db = new Database(v.path);
  const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
  const row = (n: string) => db.prepare('SELECT k.id, k.purpose, k.algorithm, v.public_key, v.fingerprint FROM keys k JOIN key_versions v ON v.key_id = k.id WHERE k.name = ?').get(n) as { id: number; purpose: 'storage'; algorithm: 'p256'; public_key: Uint8Array; fingerprint: string };
  const target = row(name);
  const source = row(other);
  const secret = new Uint8Array(32).fill(0x11);
  const sealed = sealRecord(recordWrapKey(v.masterKey, keystoreId), secret, { keystoreId, name, purpose: target.purpose, algorithm: target.algorithm, version: 1, publicKey: source.public_key });
  db.prepare('UPDATE key_versions SET public_key = ?, fingerprint = ?, sealed = ? WHERE key_id = ?').run(source.public_key, source.fingerprint, sealed, target.id);
  db.close();
}

describe('export of P-256 key pairs', () => {
  it('refuses a record whose stored point and fingerprint are not its secret\'s, writing neither file', async () => {
    const v = await makeVault();
    const ks0 = await v.open();
    ks0.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'client', clientId: 'client-two' }]);
    ks0.close();
    resealWithPairOf(v, 'client-one_storage', 'client-two_storage');
    const dir = tempDir();
    const ks = await v.open();
    try {
      expect(() => exportBundle(ks, { bundlePath: join(dir, 'k.bundle'), accessKeysPath: join(dir, 'k.access.json'), selection: { all: true }, privateKeys: true })).toThrow(
        expect.objectContaining({ code: 'KEY_RECORD_TAMPERED', message: expect.stringContaining("'client-one_storage' v1") }),
      );
      // The untouched keys still export.
      const report = exportBundle(ks, { bundlePath: join(dir, 'two.bundle'), accessKeysPath: join(dir, 'two.access.json'), selection: { all: false, clientIds: ['client-two'], names: [] }, privateKeys: true });
      expect(report.versions).toBe(6);
    } finally {
      ks.close();
    }
    expect(existsSync(join(dir, 'k.bundle')) || existsSync(join(dir, 'k.access.json'))).toBe(false);
  });
});
