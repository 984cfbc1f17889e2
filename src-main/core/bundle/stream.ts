import { xchacha } from '../crypto/xchacha.js';

/**
 * The payload is a STREAM (as in age): fixed-size chunks, each sealed with
 * XChaCha20-Poly1305 under a key used for this one bundle, with the chunk
 * counter and a last-chunk flag in the nonce. Reordered, dropped, repeated
 * or truncated chunks fail to open, and no chunk can pose as the last one.
 *
 * Frame: flag (1 byte: 0 more, 1 last) | ciphertext length (u32 BE) | ciphertext with tag.
 */
export { TAG_BYTES } from '../crypto/xchacha.js';
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

// Chunks are sealed with the keystore's one XChaCha20-Poly1305 (crypto/xchacha.ts): OpenSSL's where Node has it, else noble's.

/** `aad` is the SHA-256 of the header, binding every chunk to it. */
export function sealChunk(key: Uint8Array, aad: Uint8Array, counter: number, last: boolean, plaintext: Uint8Array): Uint8Array {
  return xchacha.seal(key, chunkNonce(counter, last), aad, plaintext);
}

/** Returns null (does not throw) when the chunk does not open. */
export function openChunk(key: Uint8Array, aad: Uint8Array, counter: number, last: boolean, ciphertext: Uint8Array): Uint8Array | null {
  return xchacha.open(key, chunkNonce(counter, last), aad, ciphertext);
}
