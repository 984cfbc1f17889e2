import { randomBytes } from 'node:crypto';

/**
 * Bytes from the CSPRNG, drawn 8 KiB at a time: one `randomBytes` call cost
 * about 8 µs on the test machine, as much as sealing a record, and a bulk
 * pass made one per record nonce and one per new key. Every byte is handed
 * out once: it is copied out and zeroed in the pool as it is taken, so the
 * pool holds only bytes not yet handed out (secrets to come among them); it
 * lives in the process (the app's core worker, which a lock ends) like every
 * key it becomes.
 */
const POOL_BYTES = 8192;
let pool: Buffer = Buffer.alloc(0);
let poolAt = 0;

/** Fills `into` (at most POOL_BYTES) with fresh random bytes: record nonces, new secrets. */
export function fillRandom(into: Uint8Array): void {
  if (into.length > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (poolAt + into.length > pool.length) {
    pool.fill(0);
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  into.set(pool.subarray(poolAt, poolAt + into.length));
  pool.fill(0, poolAt, poolAt + into.length);
  poolAt += into.length;
}

/** A fresh 32-byte secret (a symmetric key, an X25519 scalar) in its own buffer. */
export function freshSecret(): Uint8Array {
  const secret = new Uint8Array(32);
  fillRandom(secret);
  return secret;
}
