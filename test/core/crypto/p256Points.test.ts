import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { p256PublicFromSecret, p256Spki } from '../../../src-main/core/themis/ecKeys.js';
import { materialFingerprint } from '../../../src-main/core/keystore/recordOpener.js';
import { fingerprint } from '../../../src-main/core/crypto/fingerprint.js';
import { p256Generate, p256Points } from '../../../src-main/core/crypto/p256Points.js';

describe('p256Points', () => {
  it('gives the stored compressed point and the SPKI the fingerprint hashes, for any key, one call after another', () => {
    for (let i = 0; i < 100; i++) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const secret = new Uint8Array(32);
      const raw = ecdh.getPrivateKey();
      secret.set(raw, 32 - raw.length);
      const points = p256Points(secret);
      const compressed = p256PublicFromSecret(secret);
      expect(Buffer.from(points.compressed).equals(Buffer.from(compressed))).toBe(true);
      expect(Buffer.from(points.spki).equals(Buffer.from(p256Spki(compressed)))).toBe(true);
      expect(fingerprint('p256-spki', points.spki)).toBe(materialFingerprint('p256', secret, compressed));
    }
  });

  it('generates distinct pairs whose point and SPKI belong to their scalar', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const pair = p256Generate();
      expect(pair.secret.length).toBe(32);
      expect(Buffer.from(pair.compressed).equals(Buffer.from(p256PublicFromSecret(pair.secret)))).toBe(true);
      expect(Buffer.from(pair.spki).equals(Buffer.from(p256Spki(pair.compressed)))).toBe(true);
      seen.add(Buffer.from(pair.secret).toString('hex'));
    }
    expect(seen.size).toBe(100);
  });

  it('refuses a scalar out of range or of the wrong length', () => {
    expect(() => p256Points(new Uint8Array(32))).toThrow(RangeError);
    expect(() => p256Points(new Uint8Array(32).fill(0xff))).toThrow(RangeError);
    expect(() => p256Points(new Uint8Array(31).fill(1))).toThrow(RangeError);
  });
});
