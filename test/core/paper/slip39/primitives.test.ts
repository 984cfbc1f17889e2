import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptMasterSecret, encryptMasterSecret, passphraseBytes } from '../../../../src-main/core/paper/slip39/cipher.js';
import { interpolate, mul } from '../../../../src-main/core/paper/slip39/gf256.js';
import { createChecksum, verifyChecksum } from '../../../../src-main/core/paper/slip39/rs1024.js';
import { DIGEST_INDEX, SECRET_INDEX, recoverShares, splitShares } from '../../../../src-main/core/paper/slip39/shamir.js';
import { decodeShare } from '../../../../src-main/core/paper/slip39/share.js';
import { mnemonicToIndices } from '../../../../src-main/core/paper/slip39/wordlist.js';

type Vector = [string, string[], string, string];
const VECTORS = JSON.parse(readFileSync(new URL('../../../vectors/slip39-vectors.json', import.meta.url), 'utf8')) as Vector[];

/** Schoolbook carry-less multiplication reduced by x^8 + x^4 + x^3 + x + 1. */
function slowMul(a: number, b: number): number {
  let product = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) product ^= a << i;
  for (let bit = 15; bit >= 8; bit--) if ((product >> bit) & 1) product ^= 0x11b << (bit - 8);
  return product;
}

/** Evaluates sum c_k x^k in GF(256), byte-wise over coefficient vectors. */
function evaluate(coefficients: readonly Uint8Array[], x: number): Uint8Array {
  const out = new Uint8Array(coefficients[0]!.length);
  let power = 1;
  for (const c of coefficients) {
    for (let k = 0; k < out.length; k++) out[k] = out[k]! ^ slowMul(c[k]!, power);
    power = slowMul(power, x);
  }
  return out;
}

describe('GF(256)', () => {
  it('multiplies as the Rijndael field does, for all 65536 pairs', () => {
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) expect(mul(a, b)).toBe(slowMul(a, b));
  });

  it('interpolates a degree-3 polynomial from 4 points anywhere, including 254 and 255', () => {
    const coefficients = [0, 1, 2, 3].map((i) => Uint8Array.from({ length: 16 }, (_, k) => (i * 71 + k * 29 + 5) & 0xff));
    const points = [3, 9, 200, 17].map((x) => ({ x, y: evaluate(coefficients, x) }));
    for (const x of [0, 1, 100, DIGEST_INDEX, SECRET_INDEX]) expect(interpolate(points, x)).toEqual(evaluate(coefficients, x));
    expect(interpolate(points, 9)).toEqual(points[1]!.y);
  });
});

describe('Shamir split (SplitSecret / RecoverSecret)', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  let counter = 0;
  const fixedRandom = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (counter++ * 37 + 11) & 0xff);

  it('puts T-2 random shares first, the digest at 254 and the secret at 255', () => {
    counter = 0;
    const shares = splitShares(4, 6, secret, fixedRandom);
    counter = 0;
    const random0 = fixedRandom(32);
    const random1 = fixedRandom(32);
    const randomPart = fixedRandom(28);
    expect(shares.map((s) => s.x)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(shares[0]!.y).toEqual(random0);
    expect(shares[1]!.y).toEqual(random1);
    const some = [shares[5]!, shares[1]!, shares[3]!, shares[2]!];
    expect(interpolate(some, SECRET_INDEX)).toEqual(secret);
    const digestShare = interpolate(some, DIGEST_INDEX);
    expect(digestShare.subarray(4)).toEqual(randomPart);
    expect(digestShare.subarray(0, 4)).toEqual(hmac(sha256, randomPart, secret).subarray(0, 4));
    expect(recoverShares(4, some)).toEqual(secret);
  });

  it('with threshold 1 every share is the secret', () => {
    const shares = splitShares(1, 1, secret);
    expect(shares).toEqual([{ x: 0, y: secret }]);
    expect(shares[0]!.y).not.toBe(secret);
  });

  it('detects a changed share through the digest', () => {
    const shares = splitShares(3, 5, secret);
    const tampered = [{ x: shares[0]!.x, y: shares[0]!.y.map((v, i) => (i === 7 ? v ^ 1 : v)) }, shares[1]!, shares[4]!];
    expect(() => recoverShares(3, tampered)).toThrow(expect.objectContaining({ code: 'SHARE_DIGEST' }));
  });
});

describe('RS1024', () => {
  it('reproduces the checksum words of every official valid mnemonic', () => {
    for (const [, mnemonics, secret] of VECTORS) {
      if (secret === '') continue;
      for (const mnemonic of mnemonics) {
        const words = mnemonicToIndices(mnemonic);
        const extendable = decodeShare(mnemonic).extendable;
        expect(createChecksum(words.slice(0, -3), extendable)).toEqual(words.slice(-3));
        expect(verifyChecksum(words, extendable)).toBe(true);
        expect(verifyChecksum(words, !extendable)).toBe(false);
      }
    }
  });
});

describe('master secret encryption', () => {
  const passphrase = passphraseBytes('TREZOR');

  it('encrypts each official 1-of-1 secret to the share value (the EMS) and back', () => {
    const single = VECTORS.filter(([d, m, s]) => s !== '' && m.length === 1 && /without sharing/.test(d));
    expect(single.length).toBe(4);
    for (const [description, [mnemonic], secretHex] of single) {
      const share = decodeShare(mnemonic!);
      const secret = Uint8Array.from(Buffer.from(secretHex, 'hex'));
      expect(encryptMasterSecret(secret, passphrase, share), description).toEqual(share.value);
      expect(decryptMasterSecret(share.value, passphrase, share), description).toEqual(secret);
    }
  });

  it('depends on the iteration exponent, and on the identifier only when not extendable', () => {
    const secret = new Uint8Array(16).fill(7);
    const at = (identifier: number, extendable: boolean, iterationExponent: number): string =>
      Buffer.from(encryptMasterSecret(secret, passphrase, { identifier, extendable, iterationExponent })).toString('hex');
    expect(at(1, true, 0)).not.toBe(at(1, true, 1));
    expect(at(1, true, 0)).toBe(at(2, true, 0));
    expect(at(1, false, 0)).not.toBe(at(2, false, 0));
    expect(at(1, false, 0)).not.toBe(at(1, true, 0));
  });

  it('leaves the caller\'s secret untouched, even when it is a Node Buffer (whose slice is a view)', () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const encrypted = encryptMasterSecret(secret, passphrase, { identifier: 7, extendable: true, iterationExponent: 0 });
    expect(secret.toString('hex')).toBe('00112233445566778899aabbccddeeff');
    const back = Buffer.from(encrypted);
    decryptMasterSecret(back, passphrase, { identifier: 7, extendable: true, iterationExponent: 0 });
    expect(back).toEqual(Buffer.from(encrypted));
  });

  it('accepts printable ASCII passphrases only', () => {
    expect(passphraseBytes(' ~')).toEqual(Uint8Array.of(32, 126));
    expect(() => passphraseBytes('tab\there')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => passphraseBytes('\u00ff')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
