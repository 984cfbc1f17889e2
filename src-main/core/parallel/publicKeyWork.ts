import { p256PointsFromUncompressed, type P256Points } from '../crypto/p256Points.js';
import type { WorkerScript } from './syncWorker.js';

/**
 * The second thread's part in bulk work on key pairs (`check`, export and
 * import proving pairs; a large generate making them): the public key of each
 * secret in a batch, through node:crypto as crypto/p256Points.ts and
 * crypto/x25519.ts compute it (OpenSSL's scalar multiplication; X25519
 * through JWK, see x25519.ts).
 *
 * A slot holds `batch` inputs (an algorithm byte, then the 32-byte secret),
 * then as many answers (a status byte, then the 65-byte uncompressed P-256
 * point or the 32-byte X25519 key). Status 0: the secret is no valid private
 * key (or the thread failed on it); the caller then does that item itself.
 */
const PUBLIC_IN = 33;
const PUBLIC_OUT = 66;
const P256_INPUT = 1;
const X25519_INPUT = 2;

export const publicKeySlotBytes = (batch: number): number => batch * (PUBLIC_IN + PUBLIC_OUT);
const inputAt = (i: number): number => i * PUBLIC_IN;
const outputAt = (batch: number, i: number): number => batch * PUBLIC_IN + i * PUBLIC_OUT;

export function publicKeyScript(batch: number): WorkerScript {
  const outAt = batch * PUBLIC_IN;
  return {
    work: `
  let ecdh = null;
  for (let i = 0; i < count; i++) {
    const secret = bytes.subarray(i * ${PUBLIC_IN} + 1, i * ${PUBLIC_IN} + ${PUBLIC_IN});
    const out = bytes.subarray(${outAt} + i * ${PUBLIC_OUT}, ${outAt} + (i + 1) * ${PUBLIC_OUT});
    out[0] = 0;
    try {
      if (bytes[i * ${PUBLIC_IN}] === ${P256_INPUT}) {
        ecdh = ecdh || crypto.createECDH('prime256v1');
        ecdh.setPrivateKey(secret);
        const point = ecdh.getPublicKey();
        if (point.length !== 65) continue;
        out.set(point, 1);
      } else {
        const d = Buffer.from(secret.buffer, secret.byteOffset, 32).toString('base64url');
        const key = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
        const x = Buffer.from(crypto.createPublicKey(key).export({ format: 'jwk' }).x, 'base64url');
        if (x.length !== 32) continue;
        out.set(x, 1);
      }
      out[0] = 1;
    } catch {}
  }
`,
  };
}

export type PairAlgorithm = 'p256' | 'x25519';

/** Writes item `i`'s input into a slot: its algorithm, then its 32-byte secret. */
export function writeInput(bytes: Uint8Array, i: number, algorithm: PairAlgorithm, secret: Uint8Array): void {
  bytes[inputAt(i)] = algorithm === 'p256' ? P256_INPUT : X25519_INPUT;
  bytes.set(secret, inputAt(i) + 1);
}

/** Item `i`'s secret as the slot holds it (a view, wiped when the slot is released). */
export function inputSecret(bytes: Uint8Array, i: number): Uint8Array {
  return bytes.subarray(inputAt(i) + 1, inputAt(i) + PUBLIC_IN);
}

export type PublicAnswer = { algorithm: 'p256'; points: P256Points } | { algorithm: 'x25519'; publicKey: Uint8Array };

/** The thread's answer for item `i` of a batch of `batch`, or null when it gave none (status 0). */
export function readAnswer(bytes: Uint8Array, batch: number, i: number, algorithm: PairAlgorithm): PublicAnswer | null {
  const out = bytes.subarray(outputAt(batch, i), outputAt(batch, i + 1));
  if (out[0] !== 1) return null;
  return algorithm === 'p256' ? { algorithm, points: p256PointsFromUncompressed(out.subarray(1, 66)) } : { algorithm, publicKey: out.slice(1, 33) };
}
