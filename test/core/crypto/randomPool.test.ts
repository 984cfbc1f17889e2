import { describe, expect, it } from 'vitest';
import { fillRandom, freshSecret } from '../../../src-main/core/crypto/randomPool.js';

describe('fresh secrets from the pool', () => {
  it('hands out 32-byte secrets, each once, across several refills, each its own copy', () => {
    const seen = new Set<string>();
    const secrets: Uint8Array[] = [];
    for (let i = 0; i < 1000; i++) {
      const secret = freshSecret();
      expect(secret.length).toBe(32);
      // Its own 32-byte buffer, not a view into the pool (whose bytes are zeroed as it is taken).
      expect(secret.byteOffset).toBe(0);
      expect(secret.buffer.byteLength).toBe(32);
      seen.add(Buffer.from(secret).toString('hex'));
      secrets.push(secret);
    }
    expect(seen.size).toBe(1000);
    expect(secrets.some((s) => s.every((b) => b === 0))).toBe(false);
    const first = Buffer.from(secrets[0] as Uint8Array).toString('hex');
    (secrets[0] as Uint8Array).fill(0);
    expect(Buffer.from(freshSecret()).toString('hex')).not.toBe(first);
  });

  it('fills any size up to the pool, never handing the same bytes out twice, and refuses more', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = new Uint8Array(24);
      fillRandom(nonce);
      seen.add(Buffer.from(nonce).toString('hex'));
    }
    expect(seen.size).toBe(2000);
    expect(() => fillRandom(new Uint8Array(8193))).toThrow(RangeError);
  });
});
