import { hash } from 'node:crypto';
import { utf8Bytes } from './bytes.js';

/** The encoded `custos/fingerprint/v1/<domain>\0` prefix, per domain (a handful of them). */
const prefixes = new Map<string, Uint8Array>();
let scratch = Buffer.alloc(256);

/**
 * A short, non-secret name for key material: the first 16 bytes of
 * SHA-256(domain || material), in hex. For public keys the material is the
 * SPKI DER encoding; for symmetric keys it is the key itself, which a 128-bit
 * truncated hash of a 256-bit random key does not reveal. Node's SHA-256: it
 * runs once per record in check, export and import, where noble's per-call
 * cost (and a concatenated copy of the material) showed in the profile.
 */
export function fingerprint(domain: string, material: Uint8Array): string {
  let prefix = prefixes.get(domain);
  if (!prefix) prefixes.set(domain, (prefix = utf8Bytes(`custos/fingerprint/v1/${domain}\0`)));
  // One-shot hash to hex over prefix || material in a reused buffer (wiped after: the material may be a
  // symmetric key): a quarter of the CPU of a Hash object, two updates, a digest and a hex encode.
  const n = prefix.length + material.length;
  if (n > scratch.length) scratch = Buffer.alloc(Math.max(n, scratch.length * 2));
  scratch.set(prefix);
  scratch.set(material, prefix.length);
  const hex = hash('sha256', scratch.subarray(0, n), 'hex');
  scratch.fill(0, 0, n);
  return hex.slice(0, 32);
}
