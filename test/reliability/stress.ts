/**
 * `npm run test:stress`: the long crash trials (issue 14). Kills each
 * operation STRESS_TRIALS times (default 200) at random moments, and as many
 * times again at random write-like system calls (strace), over a keystore of
 * STRESS_KEYS keys (default 10,000); prints the tallies, writes them between
 * the markers of docs/RELIABILITY.md, and exits 1 on any anomaly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { straceUnavailable } from '../helpers/strace.js';
import { RELIABILITY_DOC, writeFigures as writeBlock } from '../tools/reliabilityFigures.js';
import { crashTrials, makeTemplate, OPERATIONS, type Tally } from './crashTrials.js';

const trials = Number(process.env['STRESS_TRIALS'] ?? 200);
const keys = Number(process.env['STRESS_KEYS'] ?? 10_000);
const only = process.env['STRESS_OPERATIONS']?.split(',') ?? [...OPERATIONS];

function row(t: Tally): string {
  return `| ${t.operation} | ${t.by === 'time' ? 'moment' : `system call (of ${t.crashPoints})`} | ${t.keys} | ${t.trials} | ${t.spanMs} | ${t.completed} | ${t.before} | ${t.after} | ${t.mixedStates} | ${t.integrityFailures} | ${t.unreadableRecords} | ${t.keyOpenerFailures} | ${t.auditFailures} | ${t.incompleteOutputs} |`;
}

/** Writes the tallies so far between the markers; after each row, so a run cut short still leaves what it measured. */
function writeFigures(finished: boolean): void {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const cpu = cpus();
  writeBlock('stress', [
    `Run of ${new Date().toISOString().slice(0, 10)}${finished ? '' : ' (in progress: the rows so far)'}: ${trials} trials per operation and way of killing, over ${keys.toLocaleString('en')} keys, ${minutes} minutes.`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`,
    '',
    '| operation | killed at | keys | trials | uninterrupted ms | finished before kill | old state | new state | mixed states | integrity failures | unreadable records | not exactly one master key | audit failures | incomplete outputs |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...tallies.map(row),
  ]);
}

const root = mkdtempSync(join(tmpdir(), 'custos-stress-'));
const started = Date.now();
const tallies: Tally[] = [];
try {
  const template = await makeTemplate(join(root, 'template'), keys);
  const noStrace = straceUnavailable();
  if (noStrace) console.log(`kills at system calls skipped: ${noStrace}`);
  for (const op of OPERATIONS.filter((o) => only.includes(o))) {
    for (const by of noStrace ? (['time'] as const) : (['time', 'syscall'] as const)) {
      const t = await crashTrials(join(root, `${op}-${by}`), op, keys, trials, template, by);
      tallies.push(t);
      console.log(`${op} by ${by}: ${t.trials} trials, ${t.before} before / ${t.after} after (${t.completed} finished before the kill), ${t.problems.length} problems`);
      for (const p of t.problems.slice(0, 20)) console.log(`  ${p}`);
      rmSync(join(root, `${op}-${by}`), { recursive: true, force: true });
      writeFigures(false);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

writeFigures(true);
console.log(`figures written to ${RELIABILITY_DOC}`);
const bad = tallies.some((t) => t.problems.length > 0);
process.exitCode = bad ? 1 : 0;
