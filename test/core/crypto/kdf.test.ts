import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import {
  calibrateArgon2id,
  choosePasses,
  deriveFromPassphrase,
  MIN_MEMORY_KIB,
  newArgon2idParams,
  parseArgon2idParams,
} from '../../../src-main/core/crypto/kdf.js';

describe('argon2id', () => {
  it('agrees with an independent implementation (@noble/hashes) on the same inputs', async () => {
    const params = newArgon2idParams(MIN_MEMORY_KIB, 2);
    const password = new TextEncoder().encode('correct horse battery staple');
    const ours = await deriveFromPassphrase(password, params);
    const reference = nobleArgon2id(password, Buffer.from(params.salt, 'base64'), { t: 2, m: MIN_MEMORY_KIB, p: 1, dkLen: 32 });
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(reference).toString('hex'));
  });

  it('gives different keys for different salts and passphrases', async () => {
    const a = newArgon2idParams(MIN_MEMORY_KIB, 1);
    const b = newArgon2idParams(MIN_MEMORY_KIB, 1);
    expect(a.salt).not.toBe(b.salt);
    const pw = new TextEncoder().encode('pw');
    const [ka, kb, kc] = await Promise.all([deriveFromPassphrase(pw, a), deriveFromPassphrase(pw, b), deriveFromPassphrase(new TextEncoder().encode('pw2'), a)]);
    expect(new Set([ka, kb, kc].map((k) => Buffer.from(k).toString('hex'))).size).toBe(3);
  });

  it('refuses parameters below the floor', () => {
    expect(() => newArgon2idParams(MIN_MEMORY_KIB - 1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => newArgon2idParams(MIN_MEMORY_KIB, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('parses stored parameters, and returns null for anything malformed', () => {
    const params = newArgon2idParams(MIN_MEMORY_KIB, 3);
    expect(parseArgon2idParams(JSON.stringify(params))).toEqual(params);
    expect(parseArgon2idParams('not json')).toBeNull();
    expect(parseArgon2idParams(JSON.stringify({ ...params, algorithm: 'scrypt' }))).toBeNull();
    expect(parseArgon2idParams(JSON.stringify({ ...params, memoryKiB: 1 }))).toBeNull();
    expect(parseArgon2idParams(JSON.stringify({ ...params, salt: 'AAAA' }))).toBeNull();
  });

  /** A machine whose derivation costs `fill + passes × perPass` ms, with the first `quirks` timings replaced. */
  const machine = (fill: number, perPass: number, quirks: number[] = []) => {
    const asked: number[] = [];
    const time = async (passes: number) => {
      asked.push(passes);
      return quirks.length > 0 ? (quirks.shift() as number) : fill + passes * perPass;
    };
    return { time, asked, cost: (passes: number) => fill + passes * perPass };
  };

  it('choosePasses lands near the target on a steady machine, erring low', async () => {
    const m = machine(50, 100);
    const passes = await choosePasses(1000, m.time);
    expect(passes).toBe(6); // 1000 / (50 + 100): the fill cost makes it err low, never high
    expect(m.cost(passes)).toBeLessThanOrEqual(1000);
    expect(m.asked).toEqual([1, 1, 1, 1, 6]);
  });

  it('choosePasses scales down when a fast first timing would have overshot (a busy machine)', async () => {
    // Most one-pass timings came in fast; the real cost is 300 ms a pass. The check run catches it.
    const m = machine(0, 300, [10, 10, 10, 300]);
    const passes = await choosePasses(1000, m.time);
    expect(m.asked).toEqual([1, 1, 1, 1, 64]);
    expect(passes).toBe(3);
    expect(m.cost(passes)).toBeLessThanOrEqual(1500);
  });

  it('choosePasses is not fooled by one fast timing among three', async () => {
    const m = machine(0, 300, [10, 10]);
    expect(await choosePasses(1000, m.time)).toBe(3);
    expect(m.asked).toEqual([1, 1, 1, 1, 3]);
  });

  it('choosePasses never goes below two passes, nor above the ceiling, whatever the timings', async () => {
    expect(await choosePasses(1000, machine(0, 5000).time)).toBe(2);
    // Timings that do not grow with passes (the pair that once chose 64 passes) keep the count low.
    expect(await choosePasses(1000, async () => 500)).toBe(2);
    expect(await choosePasses(1_000_000, machine(0, 1).time)).toBe(64);
  });

  it('calibration picks a valid pass count at the requested memory cost', async () => {
    const params = await calibrateArgon2id(50, MIN_MEMORY_KIB);
    expect(params.memoryKiB).toBe(MIN_MEMORY_KIB);
    expect(params.iterations).toBeGreaterThanOrEqual(2);
    expect(params.iterations).toBeLessThanOrEqual(64);
    expect(Buffer.from(params.salt, 'base64')).toHaveLength(16);
  });
});
