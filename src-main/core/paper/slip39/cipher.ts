import { pbkdf2Sync } from 'node:crypto';
import { CustosError } from '../../../../shared/errors.js';
import { wipe } from '../../crypto/bytes.js';

/**
 * The SLIP-0039 master secret encryption: a 4-round Feistel network whose
 * round function is PBKDF2-HMAC-SHA256. It is a permutation, so every
 * passphrase decrypts to some secret and none can be told wrong (by design).
 */

export const MAX_ITERATION_EXPONENT = 15;
/** 10000 iterations in total at exponent 0, spread over the four rounds. */
const BASE_ROUND_ITERATIONS = 2500;

/**
 * The spec allows printable ASCII only (32..126), so that every
 * implementation turns the same passphrase into the same bytes.
 * Throws INVALID_ARGUMENT otherwise; the message never repeats the passphrase.
 */
export function passphraseBytes(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length);
  for (let i = 0; i < passphrase.length; i++) {
    const code = passphrase.charCodeAt(i);
    if (code < 32 || code > 126) {
      wipe(out);
      throw new CustosError('INVALID_ARGUMENT', 'A SLIP-39 passphrase may contain only printable ASCII characters (space to "~").');
    }
    out[i] = code;
  }
  return out;
}

export interface CipherParams {
  identifier: number;
  extendable: boolean;
  iterationExponent: number;
}

/** Extendable backups drop the identifier from the salt, so new share sets can reuse one encrypted secret. */
function saltPrefix(params: CipherParams): Uint8Array {
  if (params.extendable) return new Uint8Array(0);
  return Uint8Array.of(0x73, 0x68, 0x61, 0x6d, 0x69, 0x72, params.identifier >>> 8, params.identifier & 0xff); // "shamir" || id (big-endian)
}

function roundFunction(round: number, passphrase: Uint8Array, salt: Uint8Array, right: Uint8Array, exponent: number): Uint8Array {
  const password = new Uint8Array(1 + passphrase.length);
  password[0] = round;
  password.set(passphrase, 1);
  const fullSalt = new Uint8Array(salt.length + right.length);
  fullSalt.set(salt, 0);
  fullSalt.set(right, salt.length);
  // The platform's PBKDF2 (OpenSSL) is several times faster than a JavaScript one, and this
  // runs once per quorum checked at split time: the round function is nearly all of the cost.
  const derived = pbkdf2Sync(password, fullSalt, BASE_ROUND_ITERATIONS << exponent, right.length, 'sha256');
  const out = new Uint8Array(derived);
  wipe(password, fullSalt, derived);
  return out;
}

function feistel(input: Uint8Array, passphrase: Uint8Array, params: CipherParams, rounds: readonly number[]): Uint8Array {
  if (input.length === 0 || input.length % 2 !== 0) {
    throw new CustosError('INVALID_ARGUMENT', 'The master secret must have an even, non-zero number of bytes.');
  }
  const e = params.iterationExponent;
  if (!Number.isInteger(e) || e < 0 || e > MAX_ITERATION_EXPONENT) {
    throw new CustosError('INVALID_ARGUMENT', `The iteration exponent must be an integer from 0 to ${MAX_ITERATION_EXPONENT}.`);
  }
  const half = input.length / 2;
  // Copies, not views: Buffer.prototype.slice shares memory, and the rounds write into these halves.
  let left = new Uint8Array(input.subarray(0, half));
  let right = new Uint8Array(input.subarray(half));
  const salt = saltPrefix(params);
  for (const round of rounds) {
    const f = roundFunction(round, passphrase, salt, right, e);
    for (let k = 0; k < half; k++) left[k] = (left[k] ?? 0) ^ (f[k] ?? 0);
    wipe(f);
    [left, right] = [right, left];
  }
  const out = new Uint8Array(input.length);
  out.set(right, 0);
  out.set(left, half);
  wipe(left, right);
  return out;
}

/** EMS = Encrypt(MS, P, e, id, ext). */
export function encryptMasterSecret(masterSecret: Uint8Array, passphrase: Uint8Array, params: CipherParams): Uint8Array {
  return feistel(masterSecret, passphrase, params, [0, 1, 2, 3]);
}

/** MS = Decrypt(EMS, P, e, id, ext): the same network with the rounds reversed. */
export function decryptMasterSecret(encrypted: Uint8Array, passphrase: Uint8Array, params: CipherParams): Uint8Array {
  return feistel(encrypted, passphrase, params, [3, 2, 1, 0]);
}
