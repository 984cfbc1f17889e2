import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodePrivateContainer,
  decodePublicContainer,
  encodePrivateContainer,
  encodePublicContainer,
  generateP256,
  p256PublicFromSecret,
  p256PublicFromSpki,
  p256SecretFromPem,
  p256Spki,
} from '../../../src-main/core/themis/ecKeys.js';
import { wasmThemis } from './wasmThemis.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('Themis EC key containers', () => {
  // A pair made by wasm-themis (Themis 0.15): REC2/UEC2, length 45, CRC32C little-endian.
  const themisPrivate = hex('524543320000002d1b9a45d700c8fda6712418239610786912b234d40d957156e3e420a6e16dfccadef1f8e037');

  it('reads a private key written by Themis and writes the very same bytes back', () => {
    const decoded = decodePrivateContainer(themisPrivate);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(Buffer.from(decoded.key).toString('hex')).toBe('c8fda6712418239610786912b234d40d957156e3e420a6e16dfccadef1f8e037');
    expect(encodePrivateContainer(decoded.key)).toEqual(themisPrivate);
  });

  it('names the problem with a damaged container instead of throwing', () => {
    const flipped = new Uint8Array(themisPrivate);
    flipped[30]! ^= 1;
    expect(decodePrivateContainer(flipped)).toEqual({ ok: false, problem: 'checksum' });
    expect(decodePrivateContainer(themisPrivate.subarray(0, 44))).toEqual({ ok: false, problem: 'length' });
    expect(decodePublicContainer(themisPrivate)).toEqual({ ok: false, problem: 'tag' });
    const pair = generateP256();
    const badPoint = encodePublicContainer(pair.publicKey);
    expect(decodePrivateContainer(badPoint)).toEqual({ ok: false, problem: 'tag' });
  });

  it('round-trips fresh pairs, and the public key follows from the private one (property)', () => {
    fc.assert(
      fc.property(fc.integer(), () => {
        const pair = generateP256();
        expect(pair.secret.length).toBe(32);
        expect(pair.publicKey.length).toBe(33);
        expect(p256PublicFromSecret(pair.secret)).toEqual(pair.publicKey);
        const pub = encodePublicContainer(pair.publicKey);
        const priv = encodePrivateContainer(pair.secret);
        expect([pub.length, priv.length]).toEqual([45, 45]);
        expect(decodePublicContainer(pub)).toEqual({ ok: true, key: pair.publicKey });
        expect(decodePrivateContainer(priv)).toEqual({ ok: true, key: pair.secret });
      }),
      { numRuns: 50 },
    );
  });

  it('wasm-themis accepts the pairs Custos writes: a Secure Message signed with the private key verifies with the public one', async () => {
    const themis = await wasmThemis();
    for (let i = 0; i < 10; i++) {
      const pair = generateP256();
      const priv = new themis.PrivateKey(encodePrivateContainer(pair.secret));
      const pub = new themis.PublicKey(encodePublicContainer(pair.publicKey));
      const message = new Uint8Array([1, 2, 3, i]);
      const signed = new themis.SecureMessageSign(priv).sign(message);
      expect(new Uint8Array(new themis.SecureMessageVerify(pub).verify(signed))).toEqual(message);
      const sealed = new themis.SecureMessage(new themis.KeyPair(priv, pub)).encrypt(message);
      expect(new Uint8Array(new themis.SecureMessage(new themis.KeyPair(priv, pub)).decrypt(sealed))).toEqual(message);
    }
  });

  it('Custos reads the pairs wasm-themis makes, and derives the same public key', async () => {
    const themis = await wasmThemis();
    for (let i = 0; i < 10; i++) {
      const pair = new themis.KeyPair();
      const priv = decodePrivateContainer(new Uint8Array(pair.privateKey));
      const pub = decodePublicContainer(new Uint8Array(pair.publicKey));
      expect(priv.ok && pub.ok).toBe(true);
      if (!priv.ok || !pub.ok) return;
      expect(p256PublicFromSecret(priv.key)).toEqual(pub.key);
      expect(encodePublicContainer(pub.key)).toEqual(new Uint8Array(pair.publicKey));
    }
  });
});

describe('P-256 public keys as standard PEM', () => {
  it('exports SPKI that Node and openssl read, and reads SPKI and PEM back', () => {
    const pair = generateP256();
    const spki = p256Spki(pair.publicKey);
    const object = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    expect(object.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const pem = object.export({ format: 'pem', type: 'spki' }) as string;
    const text = execFileSync('openssl', ['pkey', '-pubin', '-noout', '-text'], { input: pem }).toString();
    expect(text).toMatch(/prime256v1|P-256/);
    expect(p256PublicFromSpki(pem)).toEqual(pair.publicKey);
    expect(p256PublicFromSpki(spki)).toEqual(pair.publicKey);
    expect(p256PublicFromSpki(generateKeyPairSync('x25519').publicKey.export({ format: 'pem', type: 'spki' }) as string)).toBeNull();
  });

  it('reads a P-256 private key given as PEM, and refuses other curves', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const secret = p256SecretFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    expect(secret).not.toBeNull();
    expect(p256PublicFromSpki(publicKey.export({ format: 'pem', type: 'spki' }) as string)).toEqual(p256PublicFromSecret(secret!));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(p256SecretFromPem(other)).toBeNull();
  });
});
