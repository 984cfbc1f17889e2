/**
 * The parts' floor, measured in the same run as the work it is compared with:
 * the AEAD alone (noble XChaCha20-Poly1305 on 32-byte payloads, every nonce
 * drawn up front) and SQLite alone (a row inserted; a row read and updated),
 * each the best of a few rounds so a busy machine skews it as little as it can.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import Database from 'better-sqlite3';
import type { KeyAlgorithm } from '../../shared/keys.js';
import { p256Generate, p256Points } from '../../src-main/core/crypto/p256Points.js';
import { x25519Generate, x25519PublicKey } from '../../src-main/core/crypto/x25519.js';
import { xchacha, XCHACHA_IMPLEMENTATIONS } from '../../src-main/core/crypto/xchacha.js';
import { fingerprint } from '../../src-main/core/crypto/fingerprint.js';
import { materialFingerprint } from '../../src-main/core/keystore/recordOpener.js';

export interface AeadFloor {
  /** noble's XChaCha20-Poly1305, the floor the issue names. */
  sealUs: number;
  openUs: number;
  /** The same AEAD as the keystore runs it (crypto/xchacha.ts: OpenSSL's where Node has it), so a ratio to the AEAD actually used can be shown too. */
  keystoreSealUs: number;
  keystoreOpenUs: number;
  /** Which implementation that is: 'native' (OpenSSL) or 'noble'. */
  keystoreAead: 'native' | 'noble';
}

export interface SqliteFloor {
  insertUs: number;
  readUpdateUs: number;
}

/**
 * CPU time this thread has used, in ms (Linux /proc, in 10 ms ticks; NaN
 * elsewhere). On a machine shared with other work, wall times stretch with
 * the load, and a second thread may get no core at all; a thread's CPU time
 * is what it would take with a core to itself, so the main thread's CPU per
 * record, next to the floor's, shows what a pass in two threads costs the
 * thread that reads and opens the records.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function bestOf(rounds: number, fn: () => number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, fn());
  return best;
}

/** µs per seal and per open of a 32-byte payload with ~100 bytes of associated data, as a key record has. */
export function aeadFloor(n = 20_000, rounds = 3): AeadFloor {
  const key = new Uint8Array(randomBytes(32));
  const aad = new Uint8Array(randomBytes(100));
  const plain = new Uint8Array(randomBytes(n * 32));
  const nonces = new Uint8Array(randomBytes(n * 24));
  const sealed: Uint8Array[] = new Array<Uint8Array>(n);
  const sealUs = bestOf(rounds, () => {
    const start = performance.now();
    for (let i = 0; i < n; i++) sealed[i] = xchacha20poly1305(key, nonces.subarray(i * 24, i * 24 + 24), aad).encrypt(plain.subarray(i * 32, i * 32 + 32));
    return ((performance.now() - start) * 1000) / n;
  });
  const openUs = bestOf(rounds, () => {
    const start = performance.now();
    for (let i = 0; i < n; i++) xchacha20poly1305(key, nonces.subarray(i * 24, i * 24 + 24), aad).decrypt(sealed[i] as Uint8Array);
    return ((performance.now() - start) * 1000) / n;
  });
  const keystoreSealUs = bestOf(rounds, () => {
    const start = performance.now();
    for (let i = 0; i < n; i++) sealed[i] = xchacha.seal(key, nonces.subarray(i * 24, i * 24 + 24), aad, plain.subarray(i * 32, i * 32 + 32));
    return ((performance.now() - start) * 1000) / n;
  });
  const keystoreOpenUs = bestOf(rounds, () => {
    const start = performance.now();
    for (let i = 0; i < n; i++) xchacha.open(key, nonces.subarray(i * 24, i * 24 + 24), aad, sealed[i] as Uint8Array);
    return ((performance.now() - start) * 1000) / n;
  });
  return { sealUs, openUs, keystoreSealUs, keystoreOpenUs, keystoreAead: xchacha === XCHACHA_IMPLEMENTATIONS.native ? 'native' : 'noble' };
}

/**
 * The crypto `check` itself must do, alone, in one thread, in µs per record,
 * over the same algorithms in the same order as the keystore it checked: each
 * record's AEAD open as the keystore runs it; a pair's public key recomputed
 * from its secret (crypto/p256Points.ts, crypto/x25519.ts, as check calls
 * them) and fingerprinted; a symmetric key's fingerprint. `check`'s ratio to
 * it is what SQLite, the bookkeeping and the hand-off to a second thread add
 * to the work no check can skip; the ratio to the AEAD alone also counts the
 * pairs' scalar multiplications, which cost more than the open. The
 * associated data is 100 random bytes, about a record's (which check also
 * has to encode from the row: that is counted as check's, not the floor's).
 */
export function checkCryptoFloor(algorithms: readonly KeyAlgorithm[], rounds = 3): number {
  const key = new Uint8Array(randomBytes(32));
  const aad = new Uint8Array(randomBytes(100));
  const nonces = new Uint8Array(randomBytes(algorithms.length * 24));
  const nonce = (i: number) => nonces.subarray(i * 24, i * 24 + 24);
  const sealed = algorithms.map((algorithm, i) => {
    const secret = algorithm === 'p256' ? p256Generate().secret : algorithm === 'x25519' ? x25519Generate().secret : new Uint8Array(randomBytes(32));
    return xchacha.seal(key, nonce(i), aad, secret);
  });
  let sink = 0;
  const us = bestOf(rounds, () => {
    const start = performance.now();
    algorithms.forEach((algorithm, i) => {
      const secret = xchacha.open(key, nonce(i), aad, sealed[i] as Uint8Array);
      if (!secret) throw new Error('a record sealed for the floor did not open');
      const print =
        algorithm === 'p256'
          ? fingerprint('p256-spki', p256Points(secret).spki)
          : algorithm === 'x25519'
            ? materialFingerprint(algorithm, secret, x25519PublicKey(secret))
            : materialFingerprint(algorithm, secret, null);
      sink += print.length;
    });
    return ((performance.now() - start) * 1000) / algorithms.length;
  });
  if (sink === 0) throw new Error('the floor computed nothing');
  return us;
}

/** µs per row inserted (one transaction, WAL, synchronous=FULL), and per row read and updated (one transaction), on a table shaped like key_versions. */
export function sqliteFloor(dir: string, n = 20_000, rounds = 3): SqliteFloor {
  const blob = new Uint8Array(randomBytes(73));
  const pub = new Uint8Array(randomBytes(32));
  let insertUs = Infinity;
  let readUpdateUs = Infinity;
  for (let r = 0; r < rounds; r++) {
    const db = new Database(join(dir, `floor-${r}-${randomBytes(4).toString('hex')}.db`));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, public_key BLOB, sealed BLOB NOT NULL, fingerprint TEXT NOT NULL, created_at TEXT NOT NULL) STRICT');
    const insert = db.prepare('INSERT INTO t (name, public_key, sealed, fingerprint, created_at) VALUES (?, ?, ?, ?, ?)');
    const at = new Date().toISOString();
    let start = performance.now();
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(`client-${String(i).padStart(6, '0')}_storage`, pub, blob, '0123456789abcdef0123456789abcdef', at);
    }).immediate();
    insertUs = Math.min(insertUs, ((performance.now() - start) * 1000) / n);
    const update = db.prepare('UPDATE t SET sealed = ? WHERE id = ?');
    start = performance.now();
    db.transaction(() => {
      for (const row of db.prepare('SELECT id, name, public_key, sealed, fingerprint FROM t').all() as Array<{ id: number; sealed: Uint8Array }>) update.run(row.sealed, row.id);
    }).immediate();
    readUpdateUs = Math.min(readUpdateUs, ((performance.now() - start) * 1000) / n);
    db.close();
  }
  return { insertUs, readUpdateUs };
}
