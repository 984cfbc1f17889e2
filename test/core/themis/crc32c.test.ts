import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src-main/core/themis/crc32c.js';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('crc32c', () => {
  it('gives the published check values (RFC 3720 B.4, iSCSI CRC32C)', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('matches the checksum in a key container written by Themis', () => {
    // A public key container made by wasm-themis: the CRC field (bytes 8..12) is the CRC32C of the container with that field zeroed, little-endian.
    const container = Buffer.from('554543320000002ddc0e95ca024a62c4ac821f0f166ae0f0d44497fcf31e37aeeef45d33b8707c9863ffe7dcea', 'hex');
    const zeroed = Buffer.from(container);
    zeroed.fill(0, 8, 12);
    expect(crc32c(zeroed)).toBe(container.readUInt32LE(8));
  });

  it('detects every single-bit flip (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.nat(), (data, where) => {
        const bit = where % (data.length * 8);
        const flipped = new Uint8Array(data);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(crc32c(flipped)).not.toBe(crc32c(data));
      }),
    );
  });
});
