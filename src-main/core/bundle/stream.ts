import { hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { endianness } from 'node:os';

/**
 * The payload is a STREAM (as in age): fixed-size chunks, each sealed with
 * XChaCha20-Poly1305 under a key used for this one bundle, with the chunk
 * counter and a last-chunk flag in the nonce. Reordered, dropped, repeated
 * or truncated chunks fail to open, and no chunk can pose as the last one.
 *
 * Frame: flag (1 byte: 0 more, 1 last) | ciphertext length (u32 BE) | ciphertext with tag.
 */
export const TAG_BYTES = 16;
export const FRAME_HEADER_BYTES = 5;
export const FLAG_MORE = 0;
export const FLAG_LAST = 1;

/** 15 zero bytes | counter (u64 BE) | last flag: unique per chunk, and the key is unique per bundle. */
export function chunkNonce(counter: number, last: boolean): Uint8Array {
  const nonce = Buffer.alloc(24);
  nonce.writeBigUInt64BE(BigInt(counter), 15);
  nonce[23] = last ? FLAG_LAST : FLAG_MORE;
  return nonce;
}

export function frameHeader(last: boolean, ciphertextLength: number): Uint8Array {
  const out = Buffer.alloc(FRAME_HEADER_BYTES);
  out[0] = last ? FLAG_LAST : FLAG_MORE;
  out.writeUInt32BE(ciphertextLength, 1);
  return out;
}

/** The two implementations of one chunk AEAD (XChaCha20-Poly1305); tests hold them to the same bytes. */
export interface ChunkCipher {
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns null (does not throw) when the ciphertext does not open. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

const nobleCipher: ChunkCipher = {
  seal: (key, nonce, aad, plaintext) => xchacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open: (key, nonce, aad, ciphertext) => {
    try {
      return xchacha20poly1305(key, nonce, aad).decrypt(ciphertext);
    } catch {
      return null;
    }
  },
};

/** 'expand 32-byte k' as little-endian words, as HChaCha20 takes it. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/**
 * XChaCha20-Poly1305 as its specification builds it (draft-irtf-cfrg-xchacha):
 * HChaCha20 of the key and the nonce's first 16 bytes (noble's) gives a
 * subkey for the IETF ChaCha20-Poly1305 of OpenSSL, with four zero bytes and
 * the nonce's last 8 as its nonce. Byte for byte noble's output, several
 * times faster on 64 KiB chunks: noble's cipher was most of the time a
 * bundle export or import spent on its payload. Little-endian only (the
 * word views below), like every machine Custos runs on.
 */
function subkey(key: Uint8Array, nonce: Uint8Array): { key: Buffer; iv: Buffer } {
  const k = new Uint32Array(8);
  const bytes = new Uint8Array(k.buffer);
  bytes.set(key);
  const n = new Uint32Array(4);
  new Uint8Array(n.buffer).set(nonce.subarray(0, 16));
  hchacha(SIGMA, k, n, k);
  const iv = Buffer.alloc(12);
  iv.set(nonce.subarray(16, 24), 4);
  const out = Buffer.from(bytes);
  bytes.fill(0);
  return { key: out, iv };
}

const nativeCipher: ChunkCipher = {
  seal: (key, nonce, aad, plaintext) => {
    const sub = subkey(key, nonce);
    try {
      const cipher = createCipheriv('chacha20-poly1305', sub.key, sub.iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + TAG_BYTES);
      const body = cipher.update(plaintext);
      out.set(body);
      const rest = cipher.final();
      out.set(rest, body.length);
      out.set(cipher.getAuthTag(), plaintext.length);
      return out;
    } finally {
      sub.key.fill(0);
    }
  },
  open: (key, nonce, aad, ciphertext) => {
    if (ciphertext.length < TAG_BYTES) return null;
    const length = ciphertext.length - TAG_BYTES;
    const sub = subkey(key, nonce);
    let plain: Buffer | null = null;
    try {
      const decipher = createDecipheriv('chacha20-poly1305', sub.key, sub.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad, { plaintextLength: length });
      decipher.setAuthTag(ciphertext.subarray(length));
      plain = decipher.update(ciphertext.subarray(0, length));
      const rest = decipher.final(); // throws when the tag does not verify: nothing decrypted is returned
      const out = new Uint8Array(length);
      out.set(plain);
      out.set(rest, plain.length);
      return out;
    } catch {
      return null;
    } finally {
      plain?.fill(0);
      sub.key.fill(0);
    }
  },
};

/** Electron's BoringSSL has no 'chacha20-poly1305' cipher: there, and on a big-endian machine, noble does all of it. */
const nativeAvailable = getCiphers().includes('chacha20-poly1305') && endianness() === 'LE';
export const CHUNK_CIPHERS = { noble: nobleCipher, native: nativeAvailable ? nativeCipher : null } as const;
const chunkCipher = CHUNK_CIPHERS.native ?? nobleCipher;

/** `aad` is the SHA-256 of the header, binding every chunk to it. */
export function sealChunk(key: Uint8Array, aad: Uint8Array, counter: number, last: boolean, plaintext: Uint8Array): Uint8Array {
  return chunkCipher.seal(key, chunkNonce(counter, last), aad, plaintext);
}

/** Returns null (does not throw) when the chunk does not open. */
export function openChunk(key: Uint8Array, aad: Uint8Array, counter: number, last: boolean, ciphertext: Uint8Array): Uint8Array | null {
  return chunkCipher.open(key, chunkNonce(counter, last), aad, ciphertext);
}
