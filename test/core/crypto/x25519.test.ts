import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { x25519Generate, x25519PublicKey } from '../../../src-main/core/crypto/x25519.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** The route the keystore took before: PKCS#8 DER in, SPKI DER out. */
const viaDer = (secret: Uint8Array) =>
  createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' }))
    .export({ format: 'der', type: 'spki' })
    .subarray(12);

describe('x25519PublicKey', () => {
  it('matches RFC 7748 section 6.1 (Alice and Bob)', () => {
    const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const bob = Buffer.from('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', 'hex');
    expect(Buffer.from(x25519PublicKey(alice)).toString('hex')).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(Buffer.from(x25519PublicKey(bob)).toString('hex')).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  });

  it('agrees with the PKCS#8 route and with the pairs Node generates, for any scalar', () => {
    for (let i = 0; i < 200; i++) {
      const secret = new Uint8Array(randomBytes(32));
      expect(Buffer.from(x25519PublicKey(secret)).equals(viaDer(secret))).toBe(true);
    }
    const pair = generateKeyPairSync('x25519');
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
    expect(Buffer.from(x25519PublicKey(new Uint8Array(der.subarray(16)))).equals(spki.subarray(12))).toBe(true);
  });

  it('generates distinct clamped scalars, as the generator of node:crypto stores them, with their own public keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const { secret, publicKey } = x25519Generate();
      expect((secret[0] ?? 0) & 7).toBe(0);
      expect((secret[31] ?? 0) & 0xc0).toBe(0x40);
      expect(Buffer.from(publicKey).equals(viaDer(secret))).toBe(true);
      seen.add(Buffer.from(secret).toString('hex'));
    }
    expect(seen.size).toBe(100);
    const node = generateKeyPairSync('x25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16);
    expect([(node[0] ?? 0) & 7, (node[31] ?? 0) & 0xc0]).toEqual([0, 0x40]);
  });

  it('refuses a scalar that is not 32 bytes', () => {
    expect(() => x25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
  });
});
