import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAcraKeyList, encodeAcraKeyList } from '../../../src-main/core/acra/gobKeys.js';
import { decodeGob } from '../../../src-main/core/acra/gobTypes.js';
import { GobReader, GobWriter } from '../../../src-main/core/acra/gobWire.js';
import { caughtCustosError } from '../../helpers/errorCode.js';

const hex = (text: string) => Uint8Array.from(text.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0).toString(16)).join(' ');

describe('gob integers', () => {
  it('writes the encodings the gob documentation gives', () => {
    // "7 is 07, 256 is FE 01 00"; ints: 22 → 2c, -65 → ff 81, 65 → ff 82
    expect([...new GobWriter().uint(7).uint(256).toBytes()]).toEqual([0x07, 0xfe, 0x01, 0x00]);
    expect([...new GobWriter().int(22).int(-65).int(65).int(-1).toBytes()]).toEqual([0x2c, 0xff, 0x81, 0xff, 0x82, 0x01]);
  });

  it('reads back any integer it writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.nat(2 ** 40), (i, u) => {
        const r = new GobReader(new GobWriter().int(i).uint(u).toBytes());
        expect([r.int(), r.uint(), r.done]).toEqual([i, u, true]);
      }),
    );
  });
});

describe('gob streams', () => {
  it("decodes the Point example of Go's encoding/gob documentation", () => {
    const stream = hex(`1f ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00
      01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00
      07 ff 82 01 2c 01 42 00`);
    const { type, value } = decodeGob(stream);
    expect(type).toEqual({ kind: 'struct', name: 'Point', fields: [{ name: 'X', id: 2 }, { name: 'Y', id: 2 }] });
    expect(value).toEqual({ X: 22, Y: 33 });
  });

  // Written out by hand from the gob specification, not by encodeAcraKeyList:
  // a Go process that had already numbered other types (ids 70 and 71), named
  // the struct "Key", sent the struct's definition before the slice's, and
  // one entry with no content (a zero field is left out).
  const HAND_BUILT = hex(`
    26 ff 8b                                   # 38 bytes; type -70
      03 01 01 03 ${ascii('Key')} 01 ff 8c 00  # StructT: CommonType{Name "Key", Id 70}
      01 02                                    # Field: 2 entries
        01 04 ${ascii('Name')} 01 0c 00        #   {Name "Name", Id 6 (string)}
        01 07 ${ascii('Content')} 01 0a 00     #   {Name "Content", Id 5 ([]byte)}
      00 00                                    # end structType, end wireType
    0d ff 8d                                   # 13 bytes; type -71
      02 01 02 ff 8e 00 01 ff 8c 00 00         # SliceT: CommonType{Id 71}, Elem 70
    26 ff 8e 00 02                             # 38 bytes; value of type 71: singleton delta 0, 2 entries
      01 13 ${ascii('client1_storage_sym')}    #   Name (field delta 1)
      01 03 0a 0b 0c 00                        #   Content (delta 1) 0a 0b 0c, end
      01 04 ${ascii('empt')} 00                #   Name "empt", no Content, end
  `.replace(/#[^\n]*/g, ''));

  it('reads a hand-built acra-keys gob stream', () => {
    expect(decodeAcraKeyList(HAND_BUILT)).toEqual([
      { name: 'client1_storage_sym', content: Uint8Array.from([0x0a, 0x0b, 0x0c]) },
      { name: 'empt', content: new Uint8Array(0) },
    ]);
  });

  it('writes the bytes a fresh Go encoder writes for []*keystore.Key', () => {
    const expected = hex(`
      0d ff 83 02 01 02 ff 84 00 01 ff 82 00 00
      21 ff 81 03 01 02 ff 82 00 01 02 01 04 ${ascii('Name')} 01 0c 00 01 07 ${ascii('Content')} 01 0a 00 00 00
      0e ff 84 00 01 01 03 ${ascii('a/b')} 01 02 01 02 00
    `);
    expect(encodeAcraKeyList([{ name: 'a/b', content: Uint8Array.from([1, 2]) }])).toEqual(expected);
  });

  it('round-trips any list of keys, large ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ maxLength: 40 }), content: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }), (entries) => {
        expect(decodeAcraKeyList(encodeAcraKeyList(entries))).toEqual(entries);
      }),
    );
    const big = [{ name: '.poison_key/poison_key', content: new Uint8Array(70_000).fill(7) }];
    expect(decodeAcraKeyList(encodeAcraKeyList(big))).toEqual(big);
  });

  it('refuses damaged streams with BUNDLE_MALFORMED', () => {
    const good = encodeAcraKeyList([{ name: 'x_hmac', content: new Uint8Array(32) }]);
    const cases: Array<[string, Uint8Array]> = [
      ['truncated', good.subarray(0, good.length - 3)],
      ['stray bytes after the value', Uint8Array.from([...good, 0x01, 0x00])],
      ['no value', good.subarray(0, 14)],
      ['a value of an undefined type', hex('03 ff 84 00 00')],
      ['a map type', hex('0a ff 81 04 01 02 ff 82 00 00 00')],
      ['a list longer than its message', hex('0c ff 83 02 01 02 ff 84 00 01 0c 00 00 05 ff 84 00 7f 00')],
      ['a point, not a list of keys', hex('1f ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00 07 ff 82 01 2c 01 42 00')],
    ];
    for (const [what, stream] of cases) {
      expect(caughtCustosError(() => decodeAcraKeyList(stream)).code, what).toBe('BUNDLE_MALFORMED');
    }
  });
});
