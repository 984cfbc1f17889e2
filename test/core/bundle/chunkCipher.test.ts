import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkNonce, openChunk, sealChunk } from '../../../src-main/core/bundle/stream.js';
import { XCHACHA_IMPLEMENTATIONS } from '../../../src-main/core/crypto/xchacha.js';

/**
 * Bundle chunks are sealed and opened with OpenSSL's ChaCha20-Poly1305 under
 * an HChaCha20 subkey where Node has it (crypto/xchacha.ts): the bytes must be
 * noble's XChaCha20-Poly1305, or every bundle written before (and the format
 * vectors) would stop opening, and a chunk altered anywhere must still be
 * refused by both.
 */
const native = XCHACHA_IMPLEMENTATIONS.native;
const ciphers = { noble: XCHACHA_IMPLEMENTATIONS.noble, ...(native ? { native } : {}) };
const bytes = (n: number) => new Uint8Array(randomBytes(n));

describe('bundle chunk cipher', () => {
  it('Node has the native cipher here (else the fast path is not what this machine measures)', () => {
    expect(native).not.toBeNull();
  });

  it('seals byte for byte as noble XChaCha20-Poly1305, for every chunk counter and flag', () => {
    const key = bytes(32);
    const aad = bytes(32);
    for (const length of [0, 1, 63, 64, 65, 1000, 16384]) {
      for (const [counter, last] of [[0, false], [1, true], [255, false], [256, true], [0xffffffff, false], [2 ** 40 + 3, true]] as const) {
        const plaintext = bytes(length);
        const expected = xchacha20poly1305(key, chunkNonce(counter, last), aad).encrypt(plaintext);
        expect(Buffer.from(sealChunk(key, aad, counter, last, plaintext)).equals(Buffer.from(expected)), `${length} bytes, chunk ${counter}`).toBe(true);
        expect(openChunk(key, aad, counter, last, expected)).toEqual(plaintext);
        for (const c of Object.values(ciphers)) expect(c.open(key, chunkNonce(counter, last), aad, expected)).toEqual(plaintext);
      }
    }
  }, 120_000);

  it('refuses (null, no throw) a flipped byte at the first, middle and last byte and in the tag, another counter, flag, key or header', () => {
    const key = bytes(32);
    const aad = bytes(32);
    const plaintext = bytes(4096);
    const sealed = sealChunk(key, aad, 7, false, plaintext);
    for (const [name, c] of Object.entries(ciphers)) {
      const nonce = chunkNonce(7, false);
      expect(c.open(key, nonce, aad, sealed), name).toEqual(plaintext);
      for (const at of [0, 2048, plaintext.length - 1, plaintext.length, sealed.length - 1]) {
        const flipped = new Uint8Array(sealed);
        flipped[at] = (flipped[at] ?? 0) ^ 0x01;
        expect(c.open(key, nonce, aad, flipped), `${name}, byte ${at}`).toBeNull();
      }
      expect(c.open(key, chunkNonce(8, false), aad, sealed), name).toBeNull();
      expect(c.open(key, chunkNonce(7, true), aad, sealed), name).toBeNull();
      expect(c.open(bytes(32), nonce, aad, sealed), name).toBeNull();
      expect(c.open(key, nonce, bytes(32), sealed), name).toBeNull();
      expect(c.open(key, nonce, aad, sealed.subarray(0, 15)), name).toBeNull();
      expect(c.open(key, nonce, aad, sealed.subarray(0, sealed.length - 1)), name).toBeNull();
    }
  }, 60_000);
});
