/**
 * Issue 3 figures: `custos export` and `custos import` of 10,000 and 100,000
 * keys, next to a raw baseline measured in the same run: AEAD-seal every key
 * (the keystore's own sealRecord) and insert its rows into SQLite in one
 * transaction, with no bundle format around it. The keystore's AEAD is
 * OpenSSL's where Node has it (crypto/xchacha.ts), faster than noble's, which
 * the issue's floor names; a second baseline seals with noble, and every
 * ratio is printed against both.
 *
 * Export and import prove P-256 pairs through core/check/pairProofs.ts, in
 * a second thread from 4,096 versions when the machine has two cores; a
 * second row for each runs the same step in one thread, so that thread's
 * share is shown, not hidden. Beside wall time, each step's main
 * thread CPU time (Linux's per-thread figure) and its ratio to the
 * baseline's: on a machine shared with other work, wall times swing with the
 * load, the main thread's CPU time much less.
 *
 * Each measured step runs in its own child process, so "peak RSS" is that
 * step's own high-water mark (process.resourceUsage().maxRSS, which includes
 * the ~85 MiB of an idle Node + tsx process, also printed). Times cover the
 * operation only, not process start or keystore creation. Baseline, export
 * and import run interleaved for a few rounds and the best time of each is
 * kept, so a busy shared machine skews them alike; RSS is the highest seen.
 * Last, export and import run once more with V8's old space capped at
 * CAP_MIB: about four times what they keep alive (module code included, ~9 MiB
 * at 10,000 and at 100,000 keys alike), far below what holding 100,000
 * decoded keys would take. A capped run that fails is printed as FAILED with
 * its reason, and the bench goes on. The peak V8 heap each step used
 * (sampled at every progress report) is printed beside it.
 *
 * Usage: npm run bench -- bundle   (or: node --import tsx test/bench/bundle.bench.ts [sizes...]);
 * CUSTOS_BENCH_HEAP_CAP_MIB sets another cap (test/bench/bundleBench.test.ts sets one too small to start).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import Database from 'better-sqlite3';
import { readAccessKeysFile } from '../../src-main/core/bundle/accessKeys.js';
import { exportBundle } from '../../src-main/core/bundle/export.js';
import { useSecondThread } from '../../src-main/core/parallel/secondThread.js';
import { importBundle } from '../../src-main/core/bundle/import.js';
import { BundleReader } from '../../src-main/core/bundle/reader.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { XCHACHA_IMPLEMENTATIONS, xchacha } from '../../src-main/core/crypto/xchacha.js';
import { recordAad, sealRecord } from '../../src-main/core/keystore/records.js';
import { recordWrapKey } from '../../src-main/core/masterkey/subkeys.js';
import { fmt, peakRssMiB, row, timed } from './measure.js';

interface StepResult {
  ms: number;
  peakRssMiB: number;
  startRssMiB: number;
  /** Highest V8 heap in use seen at a progress report, in MiB. */
  peakHeapMiB: number;
  check: number;
  /** CPU time of the thread that ran the operation: less skewed than wall time when other processes share the cores. */
  cpuMs: number;
}

/** The heap cap of the constant-memory runs: 16 MiB left V8 too little room over its ~9 MiB floor and aborted on a busy machine. */
const CAP_MIB = Number(process.env.CUSTOS_BENCH_HEAP_CAP_MIB ?? 32);
/** Peak RSS a 100,000-key export or import must stay under. */
const RSS_GOAL_MB = 200;

let peakHeap = 0;
// v8's own figure (process.memoryUsage().heapUsed is the same number): memoryUsage also reads the RSS from /proc, which showed in the export's profile.
const sampleHeap = () => {
  peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
};

/**
 * CPU time of this (the main) thread in ms: Linux's per-thread scheduler
 * figure, without V8's compiler and GC threads, which run beside it on a
 * second core (process.cpuUsage counts them, and more of them for the larger
 * code of export and import than for the baseline's loop). Elsewhere, the
 * process's CPU time.
 */
function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}

/** Wall time of `fn`, and the CPU time of the thread that ran it. */
async function measured<T>(fn: () => T): Promise<{ value: T; ms: number; cpuMs: number }> {
  const before = threadCpuMs();
  const out = await timed(fn);
  return { ...out, cpuMs: threadCpuMs() - before };
}

const self = fileURLToPath(import.meta.url);
const unlock = (hex: string) => ({ kind: 'master-key' as const, masterKey: new Uint8Array(Buffer.from(hex, 'hex')) });

/** The source keystore: the full Acra client catalogue for n/6 client ids plus the 4 global keys, through Keystore.generate. */
async function setup(dir: string, n: number, masterKey: string): Promise<number> {
  const path = join(dir, 'source.db');
  await createKeystore(path, { masterKey: unlock(masterKey).masterKey });
  const ks = await openKeystore(path, unlock(masterKey));
  const clients = Math.floor((n - 4) / 6);
  for (let start = 0; start < clients; start += 2000) {
    const ids = Array.from({ length: Math.min(2000, clients - start) }, (_, i) => `client-${String(start + i).padStart(6, '0')}`);
    ks.generate(ids.map((clientId) => ({ scope: 'client' as const, clientId })));
  }
  ks.generate([{ scope: 'global' }]);
  const count = ks.info().keyVersions;
  ks.close();
  return count;
}

async function exportStep(dir: string, masterKey: string, worker?: boolean): Promise<{ ms: number; cpuMs: number; check: number }> {
  const ks = await openKeystore(join(dir, 'source.db'), unlock(masterKey));
  const out = await measured(() =>
    exportBundle(ks, { bundlePath: join(dir, 'keys.bundle'), accessKeysPath: join(dir, 'keys.access.json'), selection: { all: true }, privateKeys: true, force: true, onProgress: sampleHeap, worker }),
  );
  ks.close();
  return { ms: out.ms, cpuMs: out.cpuMs, check: out.value.versions };
}

async function importStep(dir: string, worker?: boolean): Promise<{ ms: number; cpuMs: number; check: number }> {
  const masterKey = randomBytes(32);
  const target = join(dir, `target-${randomBytes(4).toString('hex')}.db`);
  await createKeystore(target, { masterKey });
  const ks = await openKeystore(target, { kind: 'master-key', masterKey });
  const accessKeys = readAccessKeysFile(join(dir, 'keys.access.json'));
  const out = await measured(() => {
    const reader = new BundleReader(join(dir, 'keys.bundle'));
    try {
      return importBundle(ks, reader, accessKeys, { onProgress: sampleHeap, worker });
    } finally {
      reader.close();
    }
  });
  ks.close();
  return { ms: out.ms, cpuMs: out.cpuMs, check: out.value.versions };
}

/**
 * noble's XChaCha20-Poly1305 in the record layout (format byte, nonce, ciphertext): the AEAD the
 * issue's floor names. The keystore itself seals through crypto/xchacha.ts (OpenSSL's where Node has it).
 */
function sealNoble(wrapKey: Uint8Array, secret: Uint8Array, id: Parameters<typeof sealRecord>[2]): Uint8Array {
  const box = new Uint8Array(1 + 24 + secret.length + 16);
  box[0] = 1;
  box.set(randomBytes(24), 1);
  XCHACHA_IMPLEMENTATIONS.noble.seal(wrapKey, box.subarray(1, 25), recordAad(id), secret, box.subarray(25));
  return box;
}

/**
 * The raw baseline: the same number of 32-byte secrets (2/3 with a public key, as in the catalogue),
 * sealed and inserted, one transaction; sealed with the keystore's own sealRecord, or (`noble`) with
 * noble's AEAD, the floor the issue names.
 */
async function baselineStep(dir: string, n: number, noble = false): Promise<{ ms: number; cpuMs: number; check: number }> {
  const masterKey = randomBytes(32);
  const path = join(dir, `baseline-${randomBytes(4).toString('hex')}.db`);
  await createKeystore(path, { masterKey });
  (await openKeystore(path, { kind: 'master-key', masterKey })).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
  const wrapKey = recordWrapKey(masterKey, keystoreId);
  const material = new Uint8Array(randomBytes(n * 64));
  const at = new Date().toISOString();
  const insertKey = db.prepare('INSERT INTO keys (name, client_id, zone_id, purpose, algorithm, current_version, created_at) VALUES (?, ?, NULL, ?, ?, 1, ?)');
  const insertVersion = db.prepare(
    "INSERT INTO key_versions (key_id, version, state, public_key, sealed, fingerprint, created_at, changed_at) VALUES (?, 1, 'active', ?, ?, '00000000000000000000000000000000', ?, ?)",
  );
  const out = await measured(() =>
    db
      .transaction(() => {
        for (let i = 0; i < n; i++) {
          const asymmetric = i % 6 < 4;
          const name = `client-${String(Math.floor(i / 6)).padStart(6, '0')}_${i % 6}`;
          const secret = material.subarray(i * 64, i * 64 + 32);
          const publicKey = asymmetric ? material.subarray(i * 64 + 32, i * 64 + 64) : null;
          const [purpose, algorithm] = asymmetric ? (['storage', 'x25519'] as const) : (['storage-sym', 'sym256'] as const);
          const id = { keystoreId, name, purpose, algorithm, version: 1, publicKey };
          const sealed = noble ? sealNoble(wrapKey, secret, id) : sealRecord(wrapKey, secret, id);
          const keyId = insertKey.run(name, `client-${i}`, purpose, algorithm, at).lastInsertRowid;
          insertVersion.run(keyId, publicKey, sealed, at, at);
        }
        return n;
      })
      .immediate(),
  );
  db.close();
  return { ms: out.ms, cpuMs: out.cpuMs, check: out.value };
}

async function child(step: string, dir: string, n: number, masterKey: string): Promise<void> {
  const startRssMiB = process.memoryUsage().rss / 1024 / 1024;
  const out =
    step === 'setup'
      ? { ms: 0, cpuMs: 0, check: await setup(dir, n, masterKey) }
      : step === 'export' || step === 'export-alt'
        ? await exportStep(dir, masterKey, step === 'export-alt' ? !useSecondThread(n) : undefined)
        : step === 'import' || step === 'import-alt'
          ? await importStep(dir, step === 'import-alt' ? !useSecondThread(n) : undefined)
          : await baselineStep(dir, n, step === 'baseline-noble');
  sampleHeap();
  const result: StepResult = { ...out, peakRssMiB: peakRssMiB(), startRssMiB, peakHeapMiB: peakHeap / 1024 / 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one step in its own process: its result, or why it failed (exit code or signal, and the last line it printed). */
function attempt(step: string, dir: string, n: number, masterKey: string, nodeArgs: string[] = []): StepResult | { failed: string } {
  const result = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', self, '--step', step, dir, String(n), masterKey], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status === 0 && last.startsWith('{')) return JSON.parse(last) as StepResult;
  const why = result.stderr.split('\n').find((line) => /heap limit|out of memory|Error/i.test(line)) ?? result.stderr.trim().split('\n').at(-1) ?? '';
  return { failed: `${result.status === null ? `signal ${result.signal ?? '?'}` : `exit ${result.status}`}: ${why.trim().slice(0, 120)}` };
}

function run(step: string, dir: string, n: number, masterKey: string): StepResult {
  const result = attempt(step, dir, n, masterKey);
  if ('failed' in result) throw new Error(`${step} (${n}) failed: ${result.failed}`);
  return result;
}

function best(results: StepResult[]): StepResult {
  const fastest = results.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, cpuMs: Math.min(...results.map((r) => r.cpuMs)), peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)) };
}

async function main(sizes: number[]): Promise<void> {
  row('', 'best ms', 'thread CPU ms', 'peak RSS MiB', 'peak heap MiB', 'ratio vs raw', 'CPU ratio', 'goal');
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'custos-bundle-bench-'));
    try {
      const masterKey = randomBytes(32).toString('hex');
      const made = run('setup', dir, n, masterKey);
      if (made.check !== n) throw new Error(`setup made ${made.check} keys, wanted ${n}`);
      const rounds = n <= 10_000 ? 3 : 2;
      const steps = ['baseline', 'baseline-noble', 'export', 'export-alt', 'import', 'import-alt'] as const;
      const runs: Record<(typeof steps)[number], StepResult[]> = { baseline: [], 'baseline-noble': [], export: [], 'export-alt': [], import: [], 'import-alt': [] };
      for (let r = 0; r < rounds; r++) {
        for (const step of steps) {
          const result = run(step, dir, n, masterKey);
          if (result.check !== n) throw new Error(`${step} handled ${result.check} keys, wanted ${n}`);
          runs[step].push(result);
        }
      }
      const baseline = best(runs.baseline);
      const nobleBaseline = best(runs['baseline-noble']);
      const size = statSync(join(dir, 'keys.bundle')).size;
      const rssGoal = n >= 100_000 ? `, RSS < ${RSS_GOAL_MB} MB` : '';
      const rssMb = (r: StepResult) => `${fmt(r.peakRssMiB)}${n >= 100_000 && r.peakRssMiB * 1.048576 >= RSS_GOAL_MB ? ' (over)' : ''}`;
      console.log(`\n${n.toLocaleString('en')} keys, best of ${rounds} (bundle ${fmt(size / 1024 / 1024)} MiB; an idle child process starts at ~${fmt(baseline.startRssMiB, 0)} MiB RSS)`);
      row(`  raw baseline (seal + insert, one tx; AEAD as the keystore runs it: ${xchacha === XCHACHA_IMPLEMENTATIONS.native ? 'native' : 'noble'})`, fmt(baseline.ms, 0), fmt(baseline.cpuMs, 0), fmt(baseline.peakRssMiB), '', '1.00', '1.00', '');
      row('  raw baseline with noble AEAD (the issue\'s floor)', fmt(nobleBaseline.ms, 0), fmt(nobleBaseline.cpuMs, 0), fmt(nobleBaseline.peakRssMiB), '', fmt(nobleBaseline.ms / baseline.ms, 2), fmt(nobleBaseline.cpuMs / baseline.cpuMs, 2), '');
      // The product's choice (a second thread for pair proofs from 4,096 versions), then the other one.
      const other = useSecondThread(n) ? 'pairs proven in one thread' : 'with a second thread for pairs';
      const labels = {
        export: ['  export (--all --private-keys)', `  ≤ 1.25${rssGoal}`],
        'export-alt': [`  export, ${other}`, ''],
        import: ['  import (empty keystore, one tx)', `  ≤ 1.25${rssGoal}`],
        'import-alt': [`  import, ${other}`, ''],
      } as const;
      for (const step of ['export', 'export-alt', 'import', 'import-alt'] as const) {
        const r = best(runs[step]);
        row(labels[step][0], fmt(r.ms, 0), fmt(r.cpuMs, 0), rssMb(r), fmt(r.peakHeapMiB), fmt(r.ms / baseline.ms, 2), fmt(r.cpuMs / baseline.cpuMs, 2), labels[step][1]);
        row('    ratio to the noble-AEAD baseline', '', '', '', '', fmt(r.ms / nobleBaseline.ms, 2), fmt(r.cpuMs / nobleBaseline.cpuMs, 2), '');
      }
      // Streaming, shown rather than claimed: each step again with the V8 heap capped, in its own process.
      for (const step of ['export', 'import'] as const) {
        const capped = attempt(step, dir, n, masterKey, [`--max-old-space-size=${CAP_MIB}`]);
        const label = `  ${step} again, V8 heap capped at ${CAP_MIB} MiB`;
        if ('failed' in capped) row(label, 'FAILED', '', '', '', '', '', capped.failed);
        else row(label, capped.check === n ? fmt(capped.ms, 0) : `FAILED (${capped.check} keys)`, '', fmt(capped.peakRssMiB), fmt(capped.peakHeapMiB), '', '', 'completes');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const args = process.argv.slice(2);
if (args[0] === '--step') await child(args[1] ?? '', args[2] ?? '', Number(args[3]), args[4] ?? '');
else await main(args.length > 0 ? args.map(Number) : [10_000, 100_000]);
