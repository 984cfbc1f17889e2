import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { sealRecord } from '../../../src-main/core/keystore/records.js';
import { recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { makeVault } from '../../helpers/keystore.js';

/**
 * `check` on a keystore large enough for several batches of pairs, with and
 * without the second thread: records that open but pair their secret with
 * another key's public key (the first pair of the first and of the second
 * batch), a record with a flipped byte between them and an edited fingerprint
 * on the last pair are each reported, in storage order (the pairs' problems
 * are found later than the flipped byte's), and the two ways give the same report.
 */
describe('check in two threads', () => {
  it('reports the same problems, in storage order, as in one thread', async () => {
    const v = await makeVault();
    const ks = await v.open();
    ks.generate(Array.from({ length: 80 }, (_, i) => ({ scope: 'client' as const, clientId: `client-${String(i).padStart(3, '0')}` })));
    ks.close();

    const db = new Database(v.path);
    const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
    const pairs = db.prepare("SELECT k.id, k.name, k.purpose, k.algorithm, v.public_key, v.sealed FROM keys k JOIN key_versions v ON v.key_id = k.id WHERE k.algorithm = 'p256' ORDER BY k.id, v.version").all() as Array<{ id: number; name: string; purpose: 'storage'; algorithm: 'p256'; public_key: Uint8Array; sealed: Uint8Array }>;
    expect(pairs.length).toBe(320);
    const first = pairs[0];
    const middle = pairs[100];
    const firstOfSecondBatch = pairs[256];
    const last = pairs[pairs.length - 1];
    if (!first || !middle || !firstOfSecondBatch || !last) throw new Error('missing rows');
    const flipped = Uint8Array.from(middle.sealed, (b, i) => (i === middle.sealed.length - 3 ? b ^ 1 : b));
    db.prepare('UPDATE key_versions SET sealed = ? WHERE key_id = ?').run(flipped, middle.id);
    const other = pairs[10]?.public_key as Uint8Array;
    for (const row of [first, firstOfSecondBatch]) {
      const resealed = sealRecord(recordWrapKey(v.masterKey, keystoreId), new Uint8Array(32).fill(0x11), { keystoreId, name: row.name, purpose: row.purpose, algorithm: 'p256', version: 1, publicKey: other });
      db.prepare('UPDATE key_versions SET public_key = ?, sealed = ? WHERE key_id = ?').run(other, resealed, row.id);
    }
    db.prepare("UPDATE key_versions SET fingerprint = '00000000000000000000000000000000' WHERE key_id = ?").run(last.id);
    db.close();

    const opened = await v.open();
    const one = checkKeystore(opened, undefined, { worker: false });
    const two = checkKeystore(opened, undefined, { worker: true });
    opened.close();
    expect(one.problems.map((p) => [p.name, p.code, p.message.slice(0, 40)])).toEqual([
      [first.name, 'KEY_RECORD_TAMPERED', 'stored public key does not match the pri'],
      [middle.name, 'KEY_RECORD_TAMPERED', expect.stringContaining('sealed record')],
      [firstOfSecondBatch.name, 'KEY_RECORD_TAMPERED', 'stored public key does not match the pri'],
      [last.name, 'KEY_RECORD_TAMPERED', 'stored fingerprint does not match the ke'],
    ]);
    expect(one.opened).toBe(480 - 4);
    expect(two).toEqual(one);
  });
});
