/**
 * Issue 7 figures: master-key rotation over 10,000 and 100,000 keys, next to
 * a raw baseline measured in the same run on a copy of the same file: one
 * transaction that opens every sealed record under the old wrapping key,
 * seals it under the new one and updates the row (the same AEAD and
 * associated data, no audit, no checks). The ratio is rotation / baseline.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { openRecord, sealRecord } from '../../src-main/core/keystore/records.js';
import type { SealedRow } from '../../src-main/core/keystore/rotation/reseal.js';
import { rotateMasterKey } from '../../src-main/core/keystore/rotation/rotate.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { recordWrapKey } from '../../src-main/core/masterkey/subkeys.js';
import { fmt, peakRssMiB, row, timed } from './measure.js';

type Sealed = Omit<SealedRow, 'public_only'>;

function baseline(path: string, oldKey: Uint8Array, newKey: Uint8Array): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
  const oldWrap = recordWrapKey(oldKey, keystoreId);
  const newWrap = recordWrapKey(newKey, keystoreId);
  const update = db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ? AND version = ?');
  const n = db
    .transaction(() => {
      const rows = db.prepare('SELECT v.key_id, v.version, k.name, k.purpose, k.algorithm, v.public_key, v.sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE v.sealed IS NOT NULL').all() as Sealed[];
      for (const r of rows) {
        const id = { keystoreId, name: r.name, purpose: r.purpose, algorithm: r.algorithm, version: r.version, publicKey: r.public_key };
        const plain = openRecord(oldWrap, r.sealed, id);
        if (!plain) throw new Error('baseline: a record did not open');
        update.run(sealRecord(newWrap, plain, id), r.key_id, r.version);
      }
      return rows.length;
    })
    .immediate();
  db.close();
  return n;
}

const dir = mkdtempSync(join(tmpdir(), 'custos-bench-'));
try {
  row('', 'keys', 'ms', 'keys/s', 'ratio (≤ 1.25)');
  for (const count of [10_000, 100_000]) {
    const masterKey = generateMasterKey();
    const path = join(dir, `rotate-${count}.db`);
    await createKeystore(path, { masterKey });
    const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
    const ids = Array.from({ length: count / 2 }, (_, i) => `client-${String(i).padStart(6, '0')}`);
    const gen = await timed(() => ks.generate(ids.map((clientId) => ({ scope: 'client' as const, clientId, purposes: ['storage-sym' as const, 'hmac' as const] }))).length);
    row(`generate (one transaction)`, gen.value, fmt(gen.ms), fmt((gen.value / gen.ms) * 1000, 0), '');
    ks.close();
    const copy = join(dir, `baseline-${count}.db`);
    copyFileSync(path, copy);

    const base = await timed(() => baseline(copy, masterKey, generateMasterKey()));
    const again = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
    const rotation = await timed(() => rotateMasterKey(again, { newMasterKey: generateMasterKey(), rewrappers: new Map() }));
    again.close();
    if (rotation.value.records !== base.value) throw new Error('rotation and baseline saw different record counts');
    row(`raw baseline (open + seal + update)`, base.value, fmt(base.ms), fmt((base.value / base.ms) * 1000, 0), '1.00');
    row(`master-key rotate`, rotation.value.records, fmt(rotation.ms), fmt((rotation.value.records / rotation.ms) * 1000, 0), fmt(rotation.ms / base.ms, 2));
  }
  console.log(`peak RSS ${fmt(peakRssMiB())} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
