import { sha256 } from '@noble/hashes/sha2.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { concatBytes, utf8Bytes } from '../crypto/bytes.js';
import { deriveSubkey } from '../crypto/hkdf.js';

/**
 * The keys and names of one export. Every label is domain-separated, so no
 * value here can stand in for another.
 */
const LABEL = {
  payload: 'custos/bundle/v1/payload',
  commitment: 'custos/bundle/v1/key-commitment',
  pair: 'custos/bundle/v1/pair\0',
  verifyKey: 'custos/bundle/v1/verify-key\0',
  source: 'custos/bundle/v1/source-keystore\0',
  signature: 'custos/bundle/v1/signature\0',
} as const;

const tagged = (label: string, ...parts: Uint8Array[]) => sha256(concatBytes(utf8Bytes(label), ...parts));

/** The XChaCha20-Poly1305 key of the payload: HKDF-SHA256 of the access key, salted with the bundle id. */
export function payloadKey(encryptionKey: Uint8Array, bundleId: Uint8Array): Uint8Array {
  return deriveSubkey(encryptionKey, bundleId, LABEL.payload);
}

/**
 * Stored in the header: lets a reader tell "wrong access keys" from "tampered
 * bundle" before decrypting, and commits the bundle to one encryption key.
 */
export function keyCommitment(encryptionKey: Uint8Array, bundleId: Uint8Array): Uint8Array {
  return deriveSubkey(encryptionKey, bundleId, LABEL.commitment);
}

export function pairFingerprintBytes(bundleId: Uint8Array, verifyKey: Uint8Array): Uint8Array {
  return tagged(LABEL.pair, bundleId, verifyKey).subarray(0, 8);
}

/** For people: 16 hex digits in groups of four, e.g. `3f9a-07c2-d1e4-8b56`. */
export function formatFingerprint(bytes: Uint8Array): string {
  return (Buffer.from(bytes).toString('hex').match(/.{1,4}/g) ?? []).join('-');
}

export function verifyKeyHash(verifyKey: Uint8Array): Uint8Array {
  return tagged(LABEL.verifyKey, verifyKey);
}

/** Names the source keystore in the clear header without revealing its id (which its records are bound to). */
export function sourceKeystoreFingerprint(keystoreId: Uint8Array): Uint8Array {
  return tagged(LABEL.source, keystoreId).subarray(0, 16);
}

/** What the Ed25519 signature covers: the header, the number of chunks and the running hash of every chunk frame. */
export function signedMessage(header: Uint8Array, chunks: number, payloadHash: Uint8Array): Uint8Array {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(chunks);
  return concatBytes(utf8Bytes(LABEL.signature), header, count, payloadHash);
}

/** DER prefixes for Ed25519 keys (RFC 8410); the raw 32 bytes follow each. */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningPair {
  /** Used once, for the signature, and then dropped (a KeyObject cannot be wiped; it is never exported). */
  signingKey: KeyObject;
  verifyKey: Uint8Array;
}

export function newSigningPair(): SigningPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signingKey: privateKey, verifyKey: rawVerifyKey(publicKey) };
}

/** Deterministic signing keys, for test vectors only. */
export function signingPairFromSeed(seed: Uint8Array): SigningPair {
  const signingKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
  return { signingKey, verifyKey: rawVerifyKey(createPublicKey(signingKey)) };
}

function rawVerifyKey(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI.length));
}

export function signBundle(signingKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, signingKey));
}

/** Returns false (does not throw) for a malformed key or signature. */
export function verifyBundle(verifyKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI, verifyKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
