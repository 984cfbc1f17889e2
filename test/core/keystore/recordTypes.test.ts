import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openRecord, sealRecord, type RecordIdentity } from '../../../src-main/core/keystore/records.js';

/**
 * Found by the 100,000-run keystore-file property: a damaged row gave a record
 * identity with NULL where a text was, and opening it threw a TypeError
 * (INTERNAL from `check`) instead of reading as a record that does not open.
 */
describe('openRecord on a damaged row', () => {
  const key = new Uint8Array(randomBytes(32));
  const id: RecordIdentity = { keystoreId: new Uint8Array(16), name: 'orders_storage_sym', purpose: 'storage-sym', algorithm: 'sym256', version: 1, publicKey: null };

  it('opens the genuine record, and a record whose identity holds a wrong SQLite type does not open (no throw)', () => {
    const sealed = sealRecord(key, Uint8Array.of(1, 2, 3), id);
    expect(openRecord(key, sealed, id)).toEqual(Uint8Array.of(1, 2, 3));
    const damaged: Array<Record<string, unknown>> = [{ name: null }, { purpose: null }, { algorithm: 7 }, { version: '1' }, { version: -1 }, { publicKey: 'text' }, { kekId: 1.5 }, { keystoreId: null }];
    for (const change of damaged) {
      const bad = { ...id, ...change } as unknown as RecordIdentity;
      expect(openRecord(key, sealed, bad), JSON.stringify(change)).toBeNull();
    }
    expect(openRecord(key, null as unknown as Uint8Array, id)).toBeNull();
  });
});
