import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../src-main/core/crypto/aead.js';
import { givesKnownAnswer, xchacha, XCHACHA_IMPLEMENTATIONS, type XChaCha } from '../../../src-main/core/crypto/xchacha.js';

/**
 * Key records are sealed and opened with OpenSSL's ChaCha20-Poly1305 under an
 * HChaCha20 subkey where Node has it (crypto/xchacha.ts). Its bytes must be
 * noble's XChaCha20-Poly1305 for records of every size the keystore writes,
 * or every keystore written before (and the record vectors) would stop
 * opening; a record sealed by one must open with the other; and the
 * self-test that chooses the native path must refuse a cipher that is not
 * XChaCha20-Poly1305.
 */
const native = XCHACHA_IMPLEMENTATIONS.native;
const bytes = (n: number) => new Uint8Array(randomBytes(n));

describe('XChaCha20-Poly1305 implementations', () => {
  it('the native one is in use here, after the known-answer test (a guard: on a Node without the cipher this fails, and the figures would be noble\'s)', () => {
    expect(native).not.toBeNull();
    expect(xchacha).toBe(native);
    expect(givesKnownAnswer(XCHACHA_IMPLEMENTATIONS.noble)).toBe(true);
  });

  it('the known-answer test refuses a cipher that ignores the associated data, one that uses the nonce wrongly, and one that throws', () => {
    const ignoresAad: XChaCha = {
      seal: (key, nonce, _aad, plaintext) => xchacha20poly1305(key, nonce).encrypt(plaintext),
      open: (key, nonce, _aad, ciphertext) => xchacha20poly1305(key, nonce).decrypt(ciphertext),
    };
    const ietfNonceOnly: XChaCha = {
      seal: (key, nonce, aad, plaintext) => xchacha20poly1305(key, new Uint8Array(24).fill(0).map((_, i) => (i < 16 ? 0 : (nonce[i] ?? 0))), aad).encrypt(plaintext),
      open: () => null,
    };
    const throws: XChaCha = {
      seal: () => {
        throw new Error('no such cipher');
      },
      open: () => null,
    };
    for (const impl of [ignoresAad, ietfNonceOnly, throws]) expect(givesKnownAnswer(impl)).toBe(false);
  });

  it('the known-answer test refuses a cipher that seals right but cannot open, or opens without checking the tag', () => {
    const noble = XCHACHA_IMPLEMENTATIONS.noble;
    const cannotOpen: XChaCha = { seal: noble.seal, open: () => null };
    // Decrypts with the tag it computes itself, so a forged tag still "opens".
    const skipsTag: XChaCha = {
      seal: noble.seal,
      open: (key, nonce, aad, ciphertext) => {
        const body = ciphertext.subarray(0, ciphertext.length - 16);
        const own = xchacha20poly1305(key, nonce, aad).encrypt(xchacha20poly1305(key, nonce, aad).encrypt(body).subarray(0, body.length));
        return xchacha20poly1305(key, nonce, aad).decrypt(new Uint8Array([...body, ...own.subarray(body.length)]));
      },
    };
    expect(skipsTag.open(new Uint8Array(32), new Uint8Array(24), new Uint8Array(0), noble.seal(new Uint8Array(32), new Uint8Array(24), new Uint8Array(0), new Uint8Array(5)))).toEqual(new Uint8Array(5));
    for (const impl of [cannotOpen, skipsTag]) expect(givesKnownAnswer(impl)).toBe(false);
  });

  it('native records are noble records: same bytes for every size, each opens the other, and a changed byte, key or AAD is refused by both', () => {
    if (!native) throw new Error('no native implementation here');
    const noble = XCHACHA_IMPLEMENTATIONS.noble;
    for (const length of [0, 1, 16, 32, 33, 64, 65, 100, 1000]) {
      const key = bytes(32);
      const nonce = bytes(24);
      const aad = bytes(length % 7 === 0 ? 0 : 120);
      const plaintext = bytes(length);
      const expected = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
      expect(Buffer.from(native.seal(key, nonce, aad, plaintext)).equals(Buffer.from(expected)), `${length} bytes`).toBe(true);
      const into = new Uint8Array(length + 16);
      expect(native.seal(key, nonce, aad, plaintext, into)).toBe(into);
      expect(Buffer.from(into).equals(Buffer.from(expected))).toBe(true);
      for (const impl of [native, noble]) {
        expect(impl.open(key, nonce, aad, expected)).toEqual(plaintext);
        const flipped = new Uint8Array(expected);
        const at = length === 0 ? 0 : length >> 1;
        flipped[at] = (flipped[at] ?? 0) ^ 0x80;
        expect(impl.open(key, nonce, aad, flipped)).toBeNull();
        expect(impl.open(bytes(32), nonce, aad, expected)).toBeNull();
        expect(impl.open(key, nonce, bytes(aad.length + 1), expected)).toBeNull();
        expect(impl.open(key, nonce, aad, expected.subarray(0, 15))).toBeNull();
      }
    }
  });

  it('a record sealed through aead.ts opens with noble directly, and one sealed by noble opens through aead.ts', () => {
    const key = bytes(32);
    const aad = bytes(90);
    const secret = bytes(32);
    const box = seal(key, secret, aad);
    expect(xchacha20poly1305(key, box.subarray(1, 25), aad).decrypt(box.subarray(25))).toEqual(secret);
    const nonce = bytes(24);
    const nobleBox = new Uint8Array([1, ...nonce, ...xchacha20poly1305(key, nonce, aad).encrypt(secret)]);
    expect(open(key, nobleBox, aad)).toEqual(secret);
  });

  it('both refuse a key or nonce of the wrong size with a RangeError, on seal and on open, rather than deriving from part of it', () => {
    for (const impl of Object.values(XCHACHA_IMPLEMENTATIONS)) {
      if (!impl) continue;
      expect(() => impl.seal(bytes(31), bytes(24), bytes(0), bytes(32))).toThrow(RangeError);
      expect(() => impl.seal(bytes(32), bytes(23), bytes(0), bytes(32))).toThrow(RangeError);
      expect(() => impl.open(bytes(33), bytes(24), bytes(0), bytes(48))).toThrow(RangeError);
      expect(() => impl.open(bytes(32), bytes(25), bytes(0), bytes(48))).toThrow(RangeError);
      expect(() => impl.open(bytes(32), bytes(25), bytes(0), bytes(3))).toThrow(RangeError);
    }
  });
});
