/**
 * Issue 10 figures: how long the `custos` command takes to start, next to
 * `node -e 0` on the same machine (the floor any Node program pays). Each
 * command runs RUNS times in a fresh process; the median wall time is shown.
 * `keys list` runs on a keystore of 1,000 keys opened with a master key file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { BIN } from '../helpers/cli.js';
import { fmt, row } from './measure.js';

const RUNS = 15;
const CLIENTS = 167; // six keys each (the full client catalogue): 1,002 keys

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

// GNU time reports the child's CPU time (user + system) and peak memory, which
// other work on a shared machine disturbs less than wall time; without it those
// columns are left out.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Run {
  wall: number;
  cpu: number | null;
  rssMiB: number | null;
}

/** One run of `node args`: wall and (with GNU time) CPU time in ms, peak RSS in MiB; fails loudly if the command fails. */
function runOnce(args: string[], cwd: string): Run {
  const [command, argv] = GNU_TIME ? [GNU_TIME, ['-f', 'cpu %U %S %M', process.execPath, ...args]] : [process.execPath, args];
  const start = performance.now();
  const result = spawnSync(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: cwd } });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${String(result.status)}: ${result.stderr.toString()}`);
  const used = /cpu ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(result.stderr.toString());
  return { wall, cpu: used ? (Number(used[1]) + Number(used[2])) * 1000 : null, rssMiB: used ? Number(used[3]) / 1024 : null };
}

/**
 * Median wall and CPU time of each command. The commands take turns, run by
 * run, so a burst of other work on the machine falls on all of them alike
 * and the ratios to `node -e 0` stay fair.
 */
function measureAll(commands: string[][], cwd: string): Run[] {
  const runs = commands.map(() => [] as Run[]);
  for (let i = 0; i < RUNS; i++) commands.forEach((args, c) => runs[c]?.push(runOnce(args, cwd)));
  const medianOf = (values: Array<number | null>) => (values.every((v) => v !== null) ? median(values as number[]) : null);
  return runs.map((r) => ({ wall: median(r.map((x) => x.wall)), cpu: medianOf(r.map((x) => x.cpu)), rssMiB: medianOf(r.map((x) => x.rssMiB)) }));
}

const dir = mkdtempSync(join(tmpdir(), 'custos-bench-startup-'));
try {
  const masterKey = new Uint8Array(32).fill(5);
  const keystore = join(dir, 'custos.db');
  const keyFile = join(dir, 'master.key');
  writeFileSync(keyFile, Buffer.from(masterKey).toString('base64'), { mode: 0o600 });
  await createKeystore(keystore, { masterKey: new Uint8Array(masterKey) });
  const ks = await openKeystore(keystore, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  const keys = ks.generate(Array.from({ length: CLIENTS }, (_, i) => ({ scope: 'client' as const, clientId: `client-${String(i).padStart(4, '0')}` }))).length;
  ks.close();

  console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1) ?? '?'}; median of ${RUNS} runs each, fresh process per run`);
  const show = (label: string, m: Run | undefined, floor: number) => {
    if (m) row(label, fmt(m.wall), fmt(m.wall / floor, 2), m.cpu === null ? '-' : fmt(m.cpu, 0), m.rssMiB === null ? '-' : fmt(m.rssMiB, 0));
  };
  const commands: Array<[string, string[]]> = [
    ['node -e 0', ['-e', '0']],
    ['custos --version', [BIN, '--version']],
    ['custos --help', [BIN, '--help']],
    [`custos keys list (${keys.toLocaleString('en')} keys, key file)`, [BIN, 'keys', 'list', '--keystore', keystore, '--master-key-file', keyFile]],
  ];
  const measured = measureAll(commands.map(([, args]) => args), dir);
  const floor = measured[0]?.wall ?? 1;
  row('', 'wall ms', '× node -e 0', 'CPU ms', 'peak RSS MiB');
  commands.forEach(([label], i) => show(label, measured[i], floor));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
