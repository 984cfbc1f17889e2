import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Bytes } from './bytes.js';

/** HKDF-SHA256 with a textual label as `info`, for domain-separated subkeys. */
export function deriveSubkey(ikm: Uint8Array, salt: Uint8Array, label: string, length = 32): Uint8Array {
  return hkdf(sha256, ikm, salt, utf8Bytes(label), length);
}
