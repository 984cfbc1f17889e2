import { createECDH, createPrivateKey, createPublicKey, ECDH } from 'node:crypto';
import { crc32c } from './crc32c.js';

/**
 * Themis EC key pairs on P-256 (secp256r1), in Themis's key container as
 * soter_ec_key.c writes it: a 12-byte header (4-byte tag, total length as a
 * big-endian u32, CRC32C of the whole container with the CRC field zeroed,
 * stored little-endian, as soter_crc32_final's byte swap and htobe32 leave
 * it), then the payload. Public: the 33-byte compressed point. Private: the
 * 32-byte scalar padded to 33 bytes with a leading zero (Themis sizes private
 * containers like public ones, "a historical mistake" kept for compatibility).
 */
export const PUBLIC_TAG = 'UEC2';
export const PRIVATE_TAG = 'REC2';
export const HEADER_BYTES = 12;
export const CONTAINER_BYTES = HEADER_BYTES + 33;
export const SCALAR_BYTES = 32;
export const POINT_BYTES = 33;

/** DER prefix of a P-256 SPKI holding an uncompressed point (65 bytes follow). */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export interface EcKeyPair {
  /** 32-byte big-endian private scalar. */
  secret: Uint8Array;
  /** 33-byte compressed public point. */
  publicKey: Uint8Array;
}

function leftPad(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length > size) throw new RangeError('value longer than its field');
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

/**
 * A fresh pair from Node's generator (OpenSSL), never a hand-rolled one.
 * Through ECDH rather than generateKeyPairSync: about 7 times faster here,
 * and it hands out the raw scalar without a DER round trip.
 */
export function generateP256(): EcKeyPair {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const raw = ecdh.getPrivateKey();
  const secret = leftPad(raw, SCALAR_BYTES);
  raw.fill(0);
  return { secret, publicKey: new Uint8Array(ecdh.getPublicKey(null, 'compressed')) };
}

/** The compressed public point of a 32-byte scalar; throws RangeError when the scalar is out of range. */
export function p256PublicFromSecret(secret: Uint8Array): Uint8Array {
  if (secret.length !== SCALAR_BYTES) throw new RangeError('a P-256 private key is 32 bytes');
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(secret);
  } catch {
    throw new RangeError('not a valid P-256 private key');
  }
  return new Uint8Array(ecdh.getPublicKey(null, 'compressed'));
}

function compressPoint(point: Uint8Array): Uint8Array {
  return new Uint8Array(ECDH.convertKey(Buffer.from(point), 'prime256v1', undefined, undefined, 'compressed') as Buffer);
}

/** Whether 33 bytes are a point on P-256 in compressed form. */
export function isP256Point(point: Uint8Array): boolean {
  if (point.length !== POINT_BYTES || (point[0] !== 0x02 && point[0] !== 0x03)) return false;
  try {
    ECDH.convertKey(Buffer.from(point), 'prime256v1', undefined, undefined, 'uncompressed');
    return true;
  } catch {
    return false;
  }
}

/** The standard SPKI (uncompressed point) of a compressed P-256 public key, which openssl reads. */
export function p256Spki(publicKey: Uint8Array): Uint8Array {
  const uncompressed = ECDH.convertKey(Buffer.from(publicKey), 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
  return new Uint8Array(Buffer.concat([SPKI_PREFIX, uncompressed]));
}

/** The compressed point of a P-256 public key given as SPKI DER or PEM; null when it is not one. */
export function p256PublicFromSpki(key: string | Uint8Array): Uint8Array | null {
  try {
    const object = typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
    if (object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    return compressPoint(new Uint8Array(object.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)));
  } catch {
    return null;
  }
}

/** The 32-byte scalar of a P-256 private key given as PEM (PKCS#8 or SEC1); null when it is not one. */
export function p256SecretFromPem(pem: string): Uint8Array | null {
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    const sec1 = key.export({ format: 'der', type: 'sec1' });
    const secret = sec1[5] === 0x04 && sec1[6] === 0x20 ? new Uint8Array(sec1.subarray(7, 7 + SCALAR_BYTES)) : null;
    sec1.fill(0);
    return secret;
  } catch {
    return null;
  }
}

function container(tag: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(tag, 'latin1'), 0);
  view.setUint32(4, out.length, false);
  out.set(payload, HEADER_BYTES);
  view.setUint32(8, crc32c(out), true);
  return out;
}

/** The `UEC2` container of a compressed public point (45 bytes). */
export function encodePublicContainer(publicKey: Uint8Array): Uint8Array {
  if (!isP256Point(publicKey)) throw new RangeError('not a compressed P-256 point');
  return container(PUBLIC_TAG, publicKey);
}

/** The `REC2` container of a 32-byte scalar (45 bytes); the caller wipes it when done. */
export function encodePrivateContainer(secret: Uint8Array): Uint8Array {
  if (secret.length !== SCALAR_BYTES) throw new RangeError('a P-256 private key is 32 bytes');
  const payload = leftPad(secret, POINT_BYTES);
  const out = container(PRIVATE_TAG, payload);
  payload.fill(0);
  return out;
}

/** Why a container was refused, in words that name no key material. */
export type ContainerProblem = 'length' | 'tag' | 'checksum' | 'key';

export type Decoded = { ok: true; key: Uint8Array } | { ok: false; problem: ContainerProblem };

/** Checks header, length and checksum; the payload is returned unparsed. */
function payloadOf(bytes: Uint8Array, tag: string): Uint8Array | ContainerProblem {
  if (bytes.length < HEADER_BYTES) return 'length';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== tag) return 'tag';
  if (view.getUint32(4, false) !== bytes.length) return 'length';
  const zeroed = new Uint8Array(bytes);
  zeroed.fill(0, 8, 12);
  const expected = crc32c(zeroed);
  zeroed.fill(0);
  if (view.getUint32(8, true) !== expected) return 'checksum';
  return bytes.subarray(HEADER_BYTES);
}

/**
 * The compressed point in a `UEC2` container. Themis also accepts the
 * uncompressed 65-byte form (Themis NG writes it); it is read and compressed.
 * Returns a problem, does not throw, when the bytes are not such a container.
 */
export function decodePublicContainer(bytes: Uint8Array): Decoded {
  const payload = payloadOf(bytes, PUBLIC_TAG);
  if (typeof payload === 'string') return { ok: false, problem: payload };
  if (payload.length === 65 && payload[0] === 0x04) {
    try {
      return { ok: true, key: compressPoint(payload) };
    } catch {
      return { ok: false, problem: 'key' };
    }
  }
  if (payload.length !== POINT_BYTES) return { ok: false, problem: 'length' };
  return isP256Point(payload) ? { ok: true, key: new Uint8Array(payload) } : { ok: false, problem: 'key' };
}

/**
 * The 32-byte scalar in a `REC2` container: 33 bytes with a leading zero as
 * Themis writes it, or 32 bytes as Themis NG does. Returns a problem, does
 * not throw; the caller wipes the key it gets.
 */
export function decodePrivateContainer(bytes: Uint8Array): Decoded {
  const payload = payloadOf(bytes, PRIVATE_TAG);
  if (typeof payload === 'string') return { ok: false, problem: payload };
  if (payload.length !== POINT_BYTES && payload.length !== SCALAR_BYTES) return { ok: false, problem: 'length' };
  if (payload.length === POINT_BYTES && payload[0] !== 0) return { ok: false, problem: 'key' };
  const secret = new Uint8Array(payload.subarray(payload.length - SCALAR_BYTES));
  try {
    p256PublicFromSecret(secret);
  } catch {
    secret.fill(0);
    return { ok: false, problem: 'key' };
  }
  return { ok: true, key: secret };
}
