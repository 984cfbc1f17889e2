import { createECDH, type ECDH } from 'node:crypto';

/** DER prefix of a P-256 SPKI holding an uncompressed point (65 bytes follow), as themis/ecKeys.ts writes it. */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

let ecdh: ECDH | null = null;

export interface P256Points {
  /** The 33-byte compressed point, as the keystore stores it. */
  compressed: Uint8Array;
  /** The SPKI DER of the uncompressed point, which a P-256 fingerprint hashes. */
  spki: Uint8Array;
}

/**
 * Both encodings of a P-256 scalar's public point from one scalar
 * multiplication, for `custos check`, which must show that every stored pair
 * and fingerprint agree. A fresh ECDH object per record, and decompressing
 * the stored point again for its fingerprint, each built the curve's group
 * anew and together cost several times the AEAD that opens the record. The
 * one reused object keeps the last scalar set on it until the next call (as a
 * dropped one would until collected; JavaScript cannot wipe either).
 * Throws RangeError for a scalar that is not a valid P-256 private key.
 */
export function p256Points(secret: Uint8Array): P256Points {
  if (secret.length !== 32) throw new RangeError('a P-256 private key is 32 bytes');
  ecdh ??= createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(secret);
  } catch {
    throw new RangeError('not a valid P-256 private key');
  }
  return p256PointsFromUncompressed(ecdh.getPublicKey());
}

/**
 * Both encodings from the uncompressed point (04 || x || y): the compressed
 * one is x behind a byte giving y's parity (SEC 1, 2.3.3). Asking OpenSSL for
 * each encoding converted the point to affine coordinates twice, the larger
 * part of a check's time on a P-256 record.
 */
export function p256PointsFromUncompressed(uncompressed: Uint8Array): P256Points {
  if (uncompressed.length !== 65 || uncompressed[0] !== 0x04) throw new Error('unexpected P-256 point encoding from node:crypto');
  const compressed = new Uint8Array(33);
  compressed[0] = 0x02 | ((uncompressed[64] ?? 0) & 1);
  compressed.set(uncompressed.subarray(1, 33), 1);
  // One allocation: Buffer.concat took a slice of Node's shared pool and refilled the pool every
  // ~90 calls, a tenth of check's time in its profile, and was then copied into a Uint8Array anyway.
  const spki = new Uint8Array(SPKI_PREFIX.length + 65);
  spki.set(SPKI_PREFIX);
  spki.set(uncompressed, SPKI_PREFIX.length);
  return { compressed, spki };
}

export interface P256Pair extends P256Points {
  /** The 32-byte big-endian private scalar. */
  secret: Uint8Array;
}

/**
 * A fresh pair from Node's generator (OpenSSL's EC key generation) on the
 * reused object, with both encodings of its point: what `generate` stores and
 * fingerprints for each P-256 key, at a third of the cost of a new ECDH
 * object per key and a decompression for the fingerprint.
 */
export function p256Generate(): P256Pair {
  ecdh ??= createECDH('prime256v1');
  ecdh.generateKeys();
  const raw = ecdh.getPrivateKey();
  const secret = new Uint8Array(32);
  secret.set(raw, 32 - raw.length); // OpenSSL drops leading zero bytes of the scalar
  raw.fill(0);
  return { secret, ...p256PointsFromUncompressed(ecdh.getPublicKey()) };
}
