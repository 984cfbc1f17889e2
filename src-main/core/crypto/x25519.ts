import { createPrivateKey, createPublicKey } from 'node:crypto';
import { freshSecret } from './randomPool.js';

/**
 * The X25519 public key of a private scalar, to check a stored pair agrees
 * (`custos check` does it for every X25519 record).
 *
 * The scalar goes into Node as a JWK, not as PKCS#8 DER: on Node 20 with
 * OpenSSL 3 a DER import runs the provider's decoder lookup on every call and
 * cost about 15 times as much (≈1 ms against ≈60 µs here). The public key
 * comes back as JWK too (only a private key's JWK export can hang on Node
 * 20.20). The price: the scalar passes through a base64url string, which
 * JavaScript cannot wipe; it lives in this process's heap until collected,
 * like every other copy Node makes while it works.
 */
export function x25519PublicKey(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) throw new RangeError('an X25519 private key is 32 bytes');
  const d = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64url');
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = typeof x === 'string' ? Buffer.from(x, 'base64url') : Buffer.alloc(0);
  if (publicKey.length !== 32) throw new Error('unexpected X25519 public key from node:crypto');
  return new Uint8Array(publicKey);
}

/**
 * A fresh X25519 pair: 32 bytes from the CSPRNG (randomPool.ts), clamped as OpenSSL clamps
 * the keys `generateKeyPairSync('x25519')` makes (so the stored scalars look
 * the same), and its public key from `x25519PublicKey`. Half the cost of
 * generating through Node and exporting the private key as PKCS#8 DER.
 */
export function x25519Generate(): { secret: Uint8Array; publicKey: Uint8Array } {
  const secret = x25519Secret();
  return { secret, publicKey: x25519PublicKey(secret) };
}

/** A fresh X25519 private scalar, clamped (see x25519Generate), whose public key is computed elsewhere. */
export function x25519Secret(): Uint8Array {
  const secret = freshSecret();
  secret[0] = (secret[0] ?? 0) & 248;
  secret[31] = ((secret[31] ?? 0) & 127) | 64;
  return secret;
}
