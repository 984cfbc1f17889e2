import { fillRandom } from './randomPool.js';
import { NONCE_BYTES, TAG_BYTES, xchacha } from './xchacha.js';

/**
 * Sealed box format: 1 byte format (0x01) || 24-byte random nonce || XChaCha20-Poly1305
 * ciphertext with its 16-byte tag. 192-bit nonces make random nonces safe for
 * any number of records under one key. The AEAD is xchacha.ts's: OpenSSL's
 * where Node has it, else noble's, the same bytes either way.
 */
export const SEAL_FORMAT = 0x01;
export const KEY_BYTES = 32;
export const SEAL_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new RangeError('sealing key must be 32 bytes');
}

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  // One allocation for the whole box: the cipher writes its output in place after the nonce.
  const box = new Uint8Array(SEAL_OVERHEAD + plaintext.length);
  box[0] = SEAL_FORMAT;
  const nonce = box.subarray(1, 1 + NONCE_BYTES);
  fillRandom(nonce); // from the pool (randomPool.ts): one randomBytes call per record cost more than the AEAD
  xchacha.seal(key, nonce, aad, plaintext, box.subarray(1 + NONCE_BYTES));
  return box;
}

/**
 * Returns the plaintext, or null (it does not throw) when the box is malformed,
 * was sealed under another key, or its associated data differs.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null {
  checkKey(key);
  if (sealed.length < SEAL_OVERHEAD || sealed[0] !== SEAL_FORMAT) return null;
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  return xchacha.open(key, nonce, aad, sealed.subarray(1 + NONCE_BYTES));
}
