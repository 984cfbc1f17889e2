import { describe, expect, it } from 'vitest';
import { freshSecret } from '../../../src-main/core/crypto/secretPool.js';

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
});
