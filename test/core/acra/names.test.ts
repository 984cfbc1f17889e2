import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_PURPOSES } from '../../../shared/keys.js';
import { parseAcraMasterKey } from '../../../src-main/core/acra/masterKey.js';
import { acraContextOf, acraPath, goTimestamp, isoFromGoTimestamp, parseAcraPath } from '../../../src-main/core/acra/names.js';
import { purposeSpec } from '../../../src-main/core/catalog/purposes.js';
import { caughtCustosError } from '../../helpers/errorCode.js';

describe("Acra's keystore v1 names", () => {
  it('names each purpose as filenames.go does, with the context server_keystore.go seals it with', () => {
    const cases: Array<[string, string | null, string, string | null]> = [
      ['transport-connector', 'client-one', 'client-one', 'client-one'],
      ['transport-server', 'client-one', 'client-one_server', 'client-one'],
      ['transport-translator', 'client-one', 'client-one_translator', 'client-one'],
      ['storage', 'client-one', 'client-one_storage', 'client-one'],
      ['storage-sym', 'client-one', 'client-one_storage_sym', 'client-one'],
      ['hmac', 'client-one', 'client-one_hmac', 'client-one'],
      ['zone', 'zone-0001', 'zone-0001_zone', 'zone-0001'],
      ['zone-sym', 'zone-0001', 'zone-0001_zone_sym', 'zone-0001'],
      ['poison', null, '.poison_key/poison_key', '.poison_key/poison_key'],
      ['poison-sym', null, '.poison_key/poison_key_sym', '.poison_key/poison_key_sym'],
      ['secure-log', null, 'secure_log_key', 'secure_log_key'],
      ['auth', null, 'auth_key', null],
    ];
    expect(cases.map((c) => c[0]).sort()).toEqual([...KEY_PURPOSES].sort());
    for (const [purpose, id, file, context] of cases) {
      const p = purpose as (typeof KEY_PURPOSES)[number];
      expect(acraPath(p, id)).toBe(file);
      expect(acraContextOf(p, id)).toBe(context);
      const ref = parseAcraPath(file)!;
      expect(ref).toMatchObject({ purpose, keyName: purposeSpec(p).nameFor(id), rotatedAt: null, context });
    }
  });

  it('reads public parts and rotated versions, and refuses names Acra gives no key', () => {
    expect(parseAcraPath('client-one_storage.pub')).toMatchObject({ kind: 'public', context: null, keyName: 'client-one_storage' });
    expect(parseAcraPath('client-one_storage.pub.old/2024-01-02T03:04:05.5')).toMatchObject({ kind: 'public', rotatedAt: '2024-01-02T03:04:05.5' });
    expect(parseAcraPath('.poison_key/poison_key_sym.old/2024-01-02T03:04:05')).toMatchObject({ kind: 'symmetric', purpose: 'poison-sym' });
    expect(parseAcraPath('a_b_c_storage_sym')).toMatchObject({ purpose: 'storage-sym', clientId: 'a_b_c' });
    for (const stray of ['notes.txt', 'abc', 'client-one_storage.old/yesterday', 'client-one_hmac.pub', 'x/client-one_hmac', '.poison_key/other', 'client-one_storage.old/2024-01-02T03:04:05.10']) {
      expect(parseAcraPath(stray)).toBeNull();
    }
  });

  it("formats times in Go's layout 2006-01-02T15:04:05.999999999 (UTC, no zone, no trailing zeros)", () => {
    expect(goTimestamp('2024-01-02T03:04:05.000Z')).toBe('2024-01-02T03:04:05');
    expect(goTimestamp('2024-01-02T03:04:05.120Z')).toBe('2024-01-02T03:04:05.12');
    expect(goTimestamp('2024-01-02T03:04:05.120Z', 7)).toBe('2024-01-02T03:04:05.120000007');
    expect(isoFromGoTimestamp('2024-01-02T03:04:05.123456789')).toBe('2024-01-02T03:04:05.123Z');
    expect(isoFromGoTimestamp('2024-01-02T03:04:05')).toBe('2024-01-02T03:04:05.000Z');
  });

  it('sorts rotated versions by time when names sort as text, as Acra reads them (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 4e12 }), (a, b) => {
        const [x, y] = [goTimestamp(new Date(a).toISOString()), goTimestamp(new Date(b).toISOString())];
        if (a !== b) expect(x < y).toBe(a < b);
        expect(isoFromGoTimestamp(x)).toBe(new Date(a).toISOString());
        expect(parseAcraPath(`client-one_hmac.old/${x}`)?.rotatedAt).toBe(x);
      }),
    );
  });
});

describe('the Acra master key', () => {
  it('is standard base64 of at least 32 bytes, as ValidateMasterKey wants; anything else is ACRA_MASTER_KEY_MALFORMED naming the source, not the value', () => {
    expect(parseAcraMasterKey(`${Buffer.alloc(32, 1).toString('base64')}\n`, 'f')).toEqual(new Uint8Array(32).fill(1));
    expect(parseAcraMasterKey(Buffer.alloc(48, 2).toString('base64'), 'f').length).toBe(48);
    const short = Buffer.alloc(31, 3).toString('base64');
    const error = caughtCustosError(() => parseAcraMasterKey(short, 'acra.key'));
    expect(error.code).toBe('ACRA_MASTER_KEY_MALFORMED');
    expect(error.message).toContain('acra.key');
    expect(error.message).not.toContain(short);
    expect(caughtCustosError(() => parseAcraMasterKey('not base64 at all!', 'env')).code).toBe('ACRA_MASTER_KEY_MALFORMED');
  });
});
