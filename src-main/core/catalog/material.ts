import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { freshSecret } from '../crypto/randomPool.js';
import type { KeyAlgorithm } from '../../../shared/keys.js';
import { x25519PublicKey } from '../crypto/x25519.js';
import { generateP256, p256PublicFromSecret, p256SecretFromPem, p256Spki } from '../themis/ecKeys.js';

/** DER prefixes for X25519 keys (RFC 8410): the raw 32 bytes follow each. */
const X25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);
const X25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);

export interface KeyMaterial {
  /** The secret: a 32-byte P-256 or X25519 private scalar, or a 256-bit symmetric key. */
  secret: Uint8Array;
  /** The public key (33-byte compressed P-256 point, raw 32-byte X25519 key), or null for symmetric keys. */
  publicKey: Uint8Array | null;
}

function withPrefix(prefix: Uint8Array, raw: Uint8Array): Buffer {
  return Buffer.concat([prefix, raw]);
}

function rawTail(der: Buffer, prefix: Uint8Array): Uint8Array {
  if (der.length !== prefix.length + 32 || !der.subarray(0, prefix.length).equals(prefix)) {
    throw new Error('unexpected X25519 DER encoding');
  }
  return new Uint8Array(der.subarray(prefix.length));
}

export function generateMaterial(algorithm: KeyAlgorithm): KeyMaterial {
  if (algorithm === 'sym256') return { secret: freshSecret(), publicKey: null };
  if (algorithm === 'p256') return generateP256();
  // Private keys leave Node's KeyObject as PKCS#8 DER, never JWK (JWK export can hang on Node 20.20).
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    secret: rawTail(privateKey.export({ format: 'der', type: 'pkcs8' }), X25519_PKCS8_PREFIX),
    publicKey: rawTail(publicKey.export({ format: 'der', type: 'spki' }), X25519_SPKI_PREFIX),
  };
}

/**
 * The raw 32-byte private scalar of an X25519 private key given as PEM
 * (PKCS#8), or null when the text is not an X25519 private key. Goes through
 * DER, never JWK (JWK export can hang on Node 20.20).
 */
export function x25519SecretFromPem(pem: string): Uint8Array | null {
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'x25519') return null;
    return rawTail(key.export({ format: 'der', type: 'pkcs8' }), X25519_PKCS8_PREFIX);
  } catch {
    return null;
  }
}

/** Recomputes the X25519 public key from a private scalar, to check a stored pair agrees (through JWK: see crypto/x25519.ts). */
export function x25519PublicFromSecret(secret: Uint8Array): Uint8Array {
  return x25519PublicKey(secret);
}

export function x25519Spki(publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(withPrefix(X25519_SPKI_PREFIX, publicKey));
}

/** Standard PEM (SPKI), which `openssl pkey -pubin` reads. */
export function x25519PublicPem(publicKey: Uint8Array): string {
  const body = Buffer.from(x25519Spki(publicKey)).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END PUBLIC KEY-----\n`;
}

/** Recomputes the public key of an asymmetric key from its private part (RangeError for a symmetric one). */
export function publicFromSecret(algorithm: KeyAlgorithm, secret: Uint8Array): Uint8Array {
  if (algorithm === 'p256') return p256PublicFromSecret(secret);
  if (algorithm === 'x25519') return x25519PublicFromSecret(secret);
  throw new RangeError('a symmetric key has no public part');
}

/** The length of a stored public key: Themis keeps P-256 points compressed. */
export function publicKeyBytes(algorithm: KeyAlgorithm): number | null {
  return algorithm === 'p256' ? 33 : algorithm === 'x25519' ? 32 : null;
}

export function publicSpki(algorithm: KeyAlgorithm, publicKey: Uint8Array): Uint8Array {
  return algorithm === 'p256' ? p256Spki(publicKey) : x25519Spki(publicKey);
}

/** Standard PEM (SPKI) of either kind of public key, which `openssl pkey -pubin` reads. */
export function publicPem(algorithm: KeyAlgorithm, publicKey: Uint8Array): string {
  const body = Buffer.from(publicSpki(algorithm, publicKey)).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END PUBLIC KEY-----\n`;
}

/** The private scalar of a PEM private key of this algorithm, or null when the PEM holds another kind. */
export function secretFromPem(algorithm: KeyAlgorithm, pem: string): Uint8Array | null {
  return algorithm === 'p256' ? p256SecretFromPem(pem) : algorithm === 'x25519' ? x25519SecretFromPem(pem) : null;
}
