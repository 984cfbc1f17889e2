import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8Bytes } from './bytes.js';

/**
 * A short, non-secret name for key material: the first 16 bytes of
 * SHA-256(domain || material), in hex. For public keys the material is the
 * SPKI DER encoding; for symmetric keys it is the key itself, which a 128-bit
 * truncated hash of a 256-bit random key does not reveal.
 */
export function fingerprint(domain: string, material: Uint8Array): string {
  return toHex(sha256(concatBytes(utf8Bytes(`custos/fingerprint/v1/${domain}\0`), material)).subarray(0, 16));
}
