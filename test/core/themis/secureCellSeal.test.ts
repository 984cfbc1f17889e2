import fc from 'fast-check';
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openWithKey, sealWithKey } from '../../../src-main/core/themis/secureCellSeal.js';
import { wasmThemis } from './wasmThemis.js';

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
const none = new Uint8Array(0);

describe('Secure Cell Seal with a key: vectors published by Themis', () => {
  it('opens the documentation example (docs/examples/js/secure_cell.js, a 34-byte key)', () => {
    const key = b64('bm8sIHRoaXMgaXMgbm90IGEgdmFsaWQgbWFzdGVyIGtleQ==');
    const sealed = b64('AAEBQAwAAAAQAAAAEQAAAC0fCd2mOIxlDUORXz8+qCKuHCXcDii4bMF8OjOCOqsKEdV4+Ga2xTHPMupFvg==');
    expect(Buffer.from(openWithKey(key, sealed, none)!).toString('utf8')).toBe('encrypted message');
  });

  it('opens the React Native example (a 32-byte key: Themis runs its KDF on it too)', () => {
    const key = b64('CiHPUks38qU5BYoiQY+tNWX+EcExjG8ckySRvsGPDf0=');
    const sealed = b64('AAEBQAwAAAAQAAAADgAAAIe+NTvInzZLUobUZR1bxh23A+Jd5Hxdv0OkwJxVplXnsGMxR0EdCTATew==');
    expect(Buffer.from(openWithKey(key, sealed, none)!).toString('utf8')).toBe('Hello, Themis!');
    // The same bytes with the key used directly (no KDF) would not open: the KDF is part of the format.
    expect(openWithKey(key, sealed, text('x'))).toBeNull();
  });

  it('reproduces the example byte for byte from its IV (sealing is deterministic given the IV)', () => {
    const key = b64('CiHPUks38qU5BYoiQY+tNWX+EcExjG8ckySRvsGPDf0=');
    const sealed = b64('AAEBQAwAAAAQAAAADgAAAIe+NTvInzZLUobUZR1bxh23A+Jd5Hxdv0OkwJxVplXnsGMxR0EdCTATew==');
    expect(Buffer.from(sealWithKey(key, text('Hello, Themis!'), none, sealed.subarray(16, 28)))).toEqual(Buffer.from(sealed));
  });

  it('lays out the token as Themis does: alg, IV and tag lengths, message length, IV, tag, ciphertext', () => {
    const sealed = Buffer.from(sealWithKey(new Uint8Array(32).fill(7), new Uint8Array(45).fill(1), text('client-one')));
    expect(sealed.length).toBe(45 + 44);
    expect(sealed.readUInt32LE(0)).toBe(0x40010100);
    expect(sealed.readUInt32LE(4)).toBe(12);
    expect(sealed.readUInt32LE(8)).toBe(16);
    expect(sealed.readUInt32LE(12)).toBe(45);
  });

  it('derives the message key with the Soter KDF (HMAC-SHA256, counter, label, 00, LE32 length, context)', () => {
    // An independent restatement of the KDF: a sealing made under it with a fixed IV opens, and a key off by one byte does not.
    const master = new Uint8Array(32).fill(3);
    const derived = createHmac('sha256', master).update(Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('Themis secure cell message key'), Buffer.from([0, 5, 0, 0, 0]), Buffer.from('ctx')])).digest();
    const iv = new Uint8Array(12).fill(5);
    const gcm = createCipheriv('aes-256-gcm', derived, iv).setAAD(Buffer.from('ctx'));
    const ciphertext = Buffer.concat([gcm.update(Buffer.from('hello')), gcm.final()]);
    const sealed = Buffer.from(sealWithKey(master, text('hello'), text('ctx'), iv));
    expect(sealed.subarray(28, 44)).toEqual(gcm.getAuthTag());
    expect(sealed.subarray(44)).toEqual(ciphertext);
  });
});

describe('Secure Cell Seal with a key: refusals', () => {
  const key = new Uint8Array(32).fill(9);
  const sealed = sealWithKey(key, text('a private key'), text('client-one'));

  it('returns null for a wrong key, a wrong or missing context, truncation, extension and any flipped byte', () => {
    const other = new Uint8Array(32).fill(8);
    expect(openWithKey(other, sealed, text('client-one'))).toBeNull();
    expect(openWithKey(key, sealed, text('client-two'))).toBeNull();
    expect(openWithKey(key, sealed, none)).toBeNull();
    expect(openWithKey(key, sealed.subarray(0, sealed.length - 1), text('client-one'))).toBeNull();
    expect(openWithKey(key, Buffer.concat([sealed, Buffer.from([0])]), text('client-one'))).toBeNull();
    for (let i = 0; i < sealed.length; i++) {
      const bad = new Uint8Array(sealed);
      bad[i]! ^= 0x01;
      expect(openWithKey(key, bad, text('client-one'))).toBeNull();
    }
  });

  it('refuses to seal an empty message or under an empty key, as Themis does', () => {
    expect(() => sealWithKey(key, none, none)).toThrow(RangeError);
    expect(() => sealWithKey(none, text('x'), none)).toThrow(RangeError);
  });
});

describe('Secure Cell Seal with a key: properties and the independent implementation', () => {
  it('round-trips any message, key and context (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (k, m, c) => {
        const out = sealWithKey(k, m, c);
        expect(out.length).toBe(m.length + 44);
        expect(openWithKey(k, out, c)).toEqual(m);
      }),
    );
  });

  it('wasm-themis opens what Custos seals and Custos opens what wasm-themis seals (property)', async () => {
    const themis = await wasmThemis();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 48 }), fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (k, m, c) => {
        const cell = themis.SecureCellSeal.withKey(k);
        expect(new Uint8Array(cell.decrypt(sealWithKey(k, m, c), c))).toEqual(m);
        expect(openWithKey(k, cell.encrypt(m, c), c)).toEqual(m);
      }),
      { numRuns: 60 },
    );
  });
});
