import { execFileSync } from 'node:child_process';
import { createPublicKey, diffieHellman, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMaterial, x25519PublicFromSecret, x25519PublicPem } from '../../../src-main/core/catalog/material.js';
import { planKeys } from '../../../src-main/core/catalog/plan.js';
import { PURPOSES } from '../../../src-main/core/catalog/purposes.js';
import { KEY_PURPOSES } from '../../../shared/keys.js';
import { tempDir } from '../../helpers/tmp.js';

describe('catalogue', () => {
  it('covers every purpose exactly once with Acra names', () => {
    expect(PURPOSES.map((p) => p.purpose).sort()).toEqual([...KEY_PURPOSES].sort());
    expect(planKeys({ scope: 'client', clientId: 'svc-42' }).map((k) => k.name)).toEqual([
      'svc-42',
      'svc-42_server',
      'svc-42_translator',
      'svc-42_storage',
      'svc-42_storage_sym',
      'svc-42_hmac',
    ]);
    expect(planKeys({ scope: 'zone', zoneId: 'zone1' }).map((k) => k.name)).toEqual(['zone1_zone', 'zone1_zone_sym']);
    expect(planKeys({ scope: 'global' }).map((k) => k.name)).toEqual(['poison_key', 'poison_key_sym', 'secure_log_key', 'auth_key']);
  });

  it('plans chosen purposes only, once each', () => {
    expect(planKeys({ scope: 'client', clientId: 'svc-42', purposes: ['hmac', 'storage', 'hmac'] }).map((k) => k.name)).toEqual(['svc-42_hmac', 'svc-42_storage']);
  });
});

describe('X25519 material', () => {
  it('is a working key pair: Diffie-Hellman with it agrees from both sides', () => {
    const ours = generateMaterial('x25519');
    expect(ours.secret).toHaveLength(32);
    expect(ours.publicKey).toHaveLength(32);
    const peer = generateKeyPairSync('x25519');
    const ourPrivate = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), ours.secret]),
      format: 'der',
      type: 'pkcs8',
    });
    const ourPublic = createPublicKey(x25519PublicPem(ours.publicKey ?? new Uint8Array()));
    const a = diffieHellman({ privateKey: ourPrivate, publicKey: peer.publicKey });
    const b = diffieHellman({ privateKey: peer.privateKey, publicKey: ourPublic });
    expect(a.equals(b)).toBe(true);
    expect(Buffer.from(x25519PublicFromSecret(ours.secret)).equals(Buffer.from(ours.publicKey ?? []))).toBe(true);
  });

  it('exports PEM (SPKI) that openssl reads as the same X25519 public key', () => {
    const { publicKey } = generateMaterial('x25519');
    const pem = x25519PublicPem(publicKey ?? new Uint8Array());
    const file = join(tempDir(), 'pub.pem');
    writeFileSync(file, pem);
    const text = execFileSync('openssl', ['pkey', '-pubin', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('X25519 Public-Key');
    const hexFromOpenssl = text.split('pub:')[1]?.replace(/[^0-9a-f]/g, '');
    expect(hexFromOpenssl).toBe(Buffer.from(publicKey ?? []).toString('hex'));
  });

  it('symmetric material is 32 fresh random bytes with no public part', () => {
    const a = generateMaterial('sym256');
    const b = generateMaterial('sym256');
    expect(a.publicKey).toBeNull();
    expect(a.secret).toHaveLength(32);
    expect(Buffer.from(a.secret).equals(Buffer.from(b.secret))).toBe(false);
  });
});
