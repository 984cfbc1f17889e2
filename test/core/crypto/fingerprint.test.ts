import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src-main/core/crypto/fingerprint.js';

/** The fingerprint is SHA-256(domain prefix || material), first 16 bytes in hex, however it is computed. */
const reference = (domain: string, material: Uint8Array) => createHash('sha256').update(`custos/fingerprint/v1/${domain}\0`, 'utf8').update(material).digest().subarray(0, 16).toString('hex');

describe('fingerprint', () => {
  it('is the documented hash for every domain and any length of material (longer than its buffer too), one after another', () => {
    for (const domain of ['sym256', 'p256-spki', 'x25519-spki']) {
      for (const length of [0, 1, 32, 91, 255, 300, 5000, 44]) {
        const material = new Uint8Array(randomBytes(length));
        expect(fingerprint(domain, material), `${domain}, ${length} bytes`).toBe(reference(domain, material));
      }
    }
  });

  it('a known answer (32 bytes of 0x01 as a symmetric key)', () => {
    expect(fingerprint('sym256', new Uint8Array(32).fill(1))).toBe('e08adb7859b9308bb00120eb1171406c');
  });
});
