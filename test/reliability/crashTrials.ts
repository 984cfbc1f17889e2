/**
 * Crash trials (issue 14): `custos` is killed with SIGKILL at a uniformly
 * random moment of an operation (a delay drawn from [0, T], T the time the
 * same operation takes uninterrupted, process start included), then the
 * keystore is examined as the next run would find it. Shared by the fast
 * suite (crashTrials.test.ts) and the stress run (stress.ts).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN } from '../helpers/cli.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import type { Keystore } from '../../src-main/core/keystore/keystore.js';
import { checkKeystore } from '../../src-main/core/check/check.js';
import { exportBundle } from '../../src-main/core/bundle/export.js';
import { inspectBundle } from '../../src-main/core/bundle/inspect.js';
import { readAccessKeysFile } from '../../src-main/core/bundle/accessKeys.js';
import { encodeMasterKey, generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { isCustosError } from '../../shared/errors.js';

export const OPERATIONS = ['generate', 'import', 'export', 'rotate', 'acra-export'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What one operation's trials found. Every count but `trials`, `completed`, `before`, `after` should be 0. */
export interface Tally {
  operation: Operation;
  keys: number;
  trials: number;
  /** The process finished before its kill came. */
  completed: number;
  /** Found in the state before the operation, or after it. */
  before: number;
  after: number;
  mixedStates: number;
  integrityFailures: number;
  unreadableRecords: number;
  /** Not exactly one of the old and new master key opened the keystore. */
  keyOpenerFailures: number;
  auditFailures: number;
  /** An export file or folder under its final name that is not complete (or its partner missing). */
  incompleteOutputs: number;
  /** Operation time without a kill, ms (the range the kill moments are drawn from, by time). */
  spanMs: number;
  by: 'time' | 'syscall';
  /** By syscall: how many write-like system calls the uninterrupted run made (the points drawn from). */
  crashPoints: number;
  problems: string[];
}

interface Template {
  root: string;
  /** The seeded client ids, which `custos acra export` names one by one. */
  clientIds: string[];
  oldKey: Uint8Array;
  newKey: Uint8Array;
  seeded: number;
}

const AUDIT_OP: Record<Operation, string> = { generate: 'key-generate', import: 'import', export: 'export', rotate: 'master-key-rotate', 'acra-export': 'export' };

const seedIds = (count: number) => Array.from({ length: Math.ceil(count / 2) }, (_, i) => `seed-${String(i).padStart(6, '0')}`);

async function seed(path: string, masterKey: Uint8Array, count: number): Promise<void> {
  await createKeystore(path, { masterKey });
  if (count === 0) return;
  const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  try {
    const ids = seedIds(count);
    ks.generate(ids.map((clientId) => ({ scope: 'client' as const, clientId, purposes: ['storage-sym' as const, 'hmac' as const] })));
  } finally {
    ks.close();
  }
}

/** src/: a keystore of `count` keys, its bundle, the new master key; empty/: a keystore with none, for imports. */
export async function makeTemplate(root: string, count: number): Promise<Template> {
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();
  mkdirSync(join(root, 'src', 'vault'), { recursive: true });
  mkdirSync(join(root, 'empty', 'vault'), { recursive: true });
  await seed(join(root, 'src', 'vault', 'custos.db'), oldKey, count);
  await seed(join(root, 'empty', 'vault', 'custos.db'), oldKey, 0);
  const ks = await openKeystore(join(root, 'src', 'vault', 'custos.db'), { kind: 'master-key', masterKey: new Uint8Array(oldKey) });
  try {
    exportBundle(ks, { bundlePath: join(root, 'empty', 'in.bundle'), accessKeysPath: join(root, 'empty', 'in.keys'), selection: { all: true }, privateKeys: true });
  } finally {
    ks.close();
  }
  writeFileSync(join(root, 'src', 'new.key'), `${encodeMasterKey(newKey)}\n`, { mode: 0o600 });
  writeFileSync(join(root, 'src', 'acra.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return { root, oldKey, newKey, seeded: count, clientIds: seedIds(count) };
}

function argvFor(op: Operation, t: Template): string[] {
  switch (op) {
    case 'acra-export':
      return ['acra', 'export', '--out', 'out.acrakeys', '--acra-master-key-file', 'acra.key', ...t.clientIds.flatMap((id) => ['--client-id', id])];
    case 'generate':
      return ['keys', 'generate', '--client-id', 'crash-trial', '--all'];
    case 'import':
      return ['import', '--bundle', 'in.bundle', '--access-keys', 'in.keys'];
    case 'export':
      return ['export', '--all', '--private-keys', '--bundle', 'out.bundle', '--access-keys', 'out.keys'];
    case 'rotate':
      return ['master-key', 'rotate', '--new-master-key-file', 'new.key', '--yes'];
  }
}

/** The system calls that make a change durable or visible: a kill at each of them is a distinct crash point. */
const WRITE_CALLS = ['pwrite64', 'write', 'fsync', 'fdatasync', 'ftruncate', 'link', 'linkat', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat'];

/** Where a trial is killed: after a delay, or at the Nth call of one system call (through strace). */
export type KillPoint = { afterMs: number } | { syscall: string; when: number };

/** Runs the operation in `dir`, killed at `kill` (never, when null); `exited` when it ended by itself. */
function runOnce(dir: string, op: Operation, t: Template, kill: KillPoint | null, countTo?: string): Promise<{ exited: boolean; ms: number; code: number | null; stderr: string }> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, CUSTOS_MASTER_KEY: encodeMasterKey(t.oldKey).trim(), CUSTOS_KEYSTORE: join(dir, 'vault', 'custos.db') };
  const started = performance.now();
  const node = [process.execPath, BIN, ...argvFor(op, t)];
  const strace = ['-f', '-qq', '-e', `trace=${WRITE_CALLS.join(',')}`];
  // seccomp-bpf makes tracing cheap, but strace 6.1 then injects nothing: counting only.
  const argv =
    countTo !== undefined ? ['strace', '--seccomp-bpf', ...strace, '-o', countTo, ...node] : kill && 'syscall' in kill ? ['strace', ...strace, '-o', '/dev/null', '-e', `inject=${kill.syscall}:signal=KILL:when=${kill.when}`, ...node] : node;
  const killAfterMs = kill && 'afterMs' in kill ? kill.afterMs : null;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let killed = false;
    const timer =
      killAfterMs === null
        ? null
        : setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      // Under strace the injected SIGKILL ends strace with the same signal.
      resolve({ exited: !killed && signal !== 'SIGKILL' && code !== 137, ms: performance.now() - started, code, stderr });
    });
  });
}

async function tryOpen(path: string, key: Uint8Array): Promise<Keystore | null> {
  try {
    return await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(key) });
  } catch (error) {
    if (isCustosError(error) && error.code === 'WRONG_MASTER_KEY') return null;
    throw error;
  }
}

function integrityOk(path: string): boolean {
  const db = new Database(path);
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.length === 1 && rows[0]?.integrity_check === 'ok';
  } finally {
    db.close();
  }
}

interface Found {
  keys: number;
  /** Audit entries of the operation's kind (the template has some: its keys were generated, its bundle exported). */
  entries: number;
  opener: 'old' | 'new' | 'none' | 'both';
  unreadable: number;
  auditOk: boolean;
  outputs: 'none' | 'complete' | 'incomplete';
}

/** What the next run finds: opening the keystore also settles an interrupted export (bundle/exportJournal.ts). */
async function examine(dir: string, op: Operation, t: Template): Promise<Found & { integrity: boolean }> {
  const path = join(dir, 'vault', 'custos.db');
  const integrity = integrityOk(path);
  const withOld = await tryOpen(path, t.oldKey);
  const withNew = withOld ? null : await tryOpen(path, t.newKey);
  const ks = withOld ?? withNew;
  const opener = withOld && withNew ? 'both' : withOld ? 'old' : withNew ? 'new' : 'none';
  if (!ks) return { integrity, keys: -1, entries: -1, opener, unreadable: 0, auditOk: false, outputs: 'none' };
  try {
    const unreadable = checkKeystore(ks).problems.length;
    const { keys, entries, auditOk } = ks.internal('read', (ctx) => ({
      keys: (ctx.db.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n,
      entries: (ctx.db.prepare('SELECT count(*) AS n FROM audit_log WHERE operation = ?').get(AUDIT_OP[op]) as { n: number }).n,
      auditOk: ctx.audit.log.verify().ok,
    }));
    return { integrity, keys, entries, opener, unreadable, auditOk, outputs: op === 'export' ? exportOutputs(dir) : op === 'acra-export' ? acraOutputs(dir, t) : 'none' };
  } finally {
    ks.close();
  }
}

/** The Acra folder under its name holds every key file (two per client id), none short; or it is absent. */
function acraOutputs(dir: string, t: Template): Found['outputs'] {
  const out = join(dir, 'out.acrakeys');
  if (!existsSync(out)) return 'none';
  const files = readdirSync(out);
  const whole = files.length === t.clientIds.length * 2 && files.every((f) => statSync(join(out, f)).size > 0);
  return whole ? 'complete' : 'incomplete';
}

function exportOutputs(dir: string): Found['outputs'] {
  const bundle = join(dir, 'out.bundle');
  const keys = join(dir, 'out.keys');
  if (!existsSync(bundle) && !existsSync(keys)) return 'none';
  if (!existsSync(bundle) || !existsSync(keys)) return 'incomplete';
  try {
    return inspectBundle(bundle, readAccessKeysFile(keys)).verified ? 'complete' : 'incomplete';
  } catch {
    return 'incomplete';
  }
}

/**
 * Every crash point of one uninterrupted run: each write-like system call
 * its main thread makes (SQLite and the synchronous file calls run there),
 * by name and number. strace counts `when=N` per thread, so calls of other
 * threads would name points that a kill never reaches.
 */
async function crashPoints(dir: string, op: Operation, t: Template): Promise<Array<{ syscall: string; when: number }>> {
  const out = join(dir, '..', `${op}-syscalls.txt`);
  await runOnce(dir, op, t, null, out);
  const calls = readFileSync(out, 'utf8')
    .split('\n')
    .map((line) => /^(\d+)\s+(\w+)\(/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  // The main thread's id is the process id, the smallest of them.
  const main = Math.min(...calls.map((m) => Number(m[1])));
  const seen = new Map<string, number>();
  const points: Array<{ syscall: string; when: number }> = [];
  for (const m of calls) {
    const name = m[2] ?? '';
    if (Number(m[1]) !== main || !WRITE_CALLS.includes(name)) continue;
    const when = (seen.get(name) ?? 0) + 1;
    seen.set(name, when);
    points.push({ syscall: name, when });
  }
  return points;
}

/**
 * Runs `trials` kills of `op` over a template of `keys` keys in `root`. By
 * time: a moment drawn uniformly from the uninterrupted run's span. By
 * syscall: a crash point drawn uniformly from every write-like system call
 * that run made (strace), which puts far more kills inside the commits.
 */
export async function crashTrials(root: string, op: Operation, keys: number, trials: number, template?: Template, by: 'time' | 'syscall' = 'time'): Promise<Tally> {
  const t = template ?? (await makeTemplate(join(root, 'template'), keys));
  const source = join(t.root, op === 'import' ? 'empty' : 'src');
  const before = op === 'import' ? 0 : t.seeded;
  // The uninterrupted run: its time is the range of kill moments, its end state the "after".
  const clean = join(root, `${op}-clean`);
  cpSync(source, clean, { recursive: true });
  const full = await runOnce(clean, op, t, null);
  if (full.code !== 0) throw new Error(`${op} without a kill failed (${full.code}): ${full.stderr}`);
  const afterState = await examine(clean, op, t);
  const counted = join(root, `${op}-count`);
  if (by === 'syscall') cpSync(source, counted, { recursive: true });
  const points = by === 'syscall' ? await crashPoints(counted, op, t) : [];
  const untouched = join(root, `${op}-untouched`);
  cpSync(source, untouched, { recursive: true });
  const beforeEntries = (await examine(untouched, op, t)).entries;
  const tally: Tally = { operation: op, keys, trials, completed: 0, before: 0, after: 0, mixedStates: 0, integrityFailures: 0, unreadableRecords: 0, keyOpenerFailures: 0, auditFailures: 0, incompleteOutputs: 0, spanMs: Math.round(full.ms), by, crashPoints: points.length, problems: [] };
  for (let i = 0; i < trials; i++) {
    const dir = join(root, `${op}-${i}`);
    cpSync(source, dir, { recursive: true });
    const point = points[Math.floor(Math.random() * points.length)];
    const kill: KillPoint = point ?? { afterMs: Math.random() * full.ms };
    const run = await runOnce(dir, op, t, kill);
    if (run.exited) tally.completed++;
    const f = await examine(dir, op, t);
    const note = (what: string) => tally.problems.push(`${op} trial ${i} (kill at ${'afterMs' in kill ? `${Math.round(kill.afterMs)} ms` : `${kill.syscall} #${kill.when}`}): ${what}`);
    // A run the kill did not reach must have succeeded: nothing else was wrong with it.
    if (run.exited && run.code !== 0) note(`finished before the kill, but failed (exit ${run.code}): ${run.stderr.trim()}`);
    if (!f.integrity) {
      tally.integrityFailures++;
      note('integrity_check failed');
    }
    if (f.opener !== 'old' && f.opener !== 'new') {
      tally.keyOpenerFailures++;
      note(`master keys that open it: ${f.opener}`);
    }
    tally.unreadableRecords += f.unreadable;
    if (f.unreadable > 0) note(`${f.unreadable} records do not open`);
    if (!f.auditOk) {
      tally.auditFailures++;
      note('audit verify fails');
    }
    // Before or after, judged by everything the operation changes at once.
    const committed = f.entries === beforeEntries + 1;
    const isAfter = op === 'rotate' ? f.opener === 'new' : op === 'export' || op === 'acra-export' ? f.outputs === 'complete' : f.keys === afterState.keys;
    const isBefore = op === 'rotate' ? f.opener === 'old' : op === 'export' || op === 'acra-export' ? f.outputs === 'none' : f.keys === before;
    if (f.outputs === 'incomplete') {
      tally.incompleteOutputs++;
      note('export files incomplete under their final names');
    }
    if ((isAfter && !isBefore && committed && f.keys === afterState.keys) || (isBefore && !isAfter && f.entries === beforeEntries && f.keys === before)) {
      if (isAfter) tally.after++;
      else tally.before++;
    } else {
      tally.mixedStates++;
      note(`mixed: keys ${f.keys} (before ${before}, after ${afterState.keys}), audit entries ${f.entries} (before ${beforeEntries}), opener ${f.opener}, outputs ${f.outputs}`);
    }
  }
  return tally;
}

/** Trial folders hold copies of keystores: the caller removes `root`. This lists what is left, for a failing run's message. */
export function leftovers(root: string): string[] {
  return existsSync(root) ? readdirSync(root) : [];
}
