/**
 * The long run of the hostile-input properties (issue 14), part of
 * `npm run test:stress`: every suite under test/property with
 * CUSTOS_STRESS_RUNS runs per property (default 100,000). The suites run one
 * at a time, each in its own vitest, and the figures (runs, time, runs per
 * second, outcome per property) go between the property markers of
 * docs/RELIABILITY.md after each suite, marked "in progress" until the last,
 * so a run cut short still reports what it measured. CUSTOS_PROPERTY_SUITES
 * (comma-separated, e.g. `keystoreFile,bundle`) runs only those suites.
 * Exits 1 if any property failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { RELIABILITY_DOC, writeFigures } from '../tools/reliabilityFigures.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const runs = process.env['CUSTOS_STRESS_RUNS'] ?? '100000';
const only = process.env['CUSTOS_PROPERTY_SUITES']?.split(',').map((s) => s.trim());
const SUFFIX = '.property.test.ts';

interface Assertion {
  fullName: string;
  status: string;
  duration?: number;
  failureMessages?: string[];
  meta?: { runs?: number; knownHole?: boolean };
}
interface Report {
  testResults: Array<{ name: string; assertionResults: Assertion[]; message?: string }>;
}

const suites = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(SUFFIX) && (!only || only.includes(f.slice(0, -SUFFIX.length))))
  .sort();
if (suites.length === 0) throw new Error(`no property suite matches CUSTOS_PROPERTY_SUITES=${only?.join(',') ?? ''}`);

const rows: string[] = [];
/** Each failed property's seed and counterexample, under the table, so the input can become a regression case. */
const failures: string[] = [];
let failed = false;
const started = Date.now();
const loadAtStart = loadavg()[0] ?? 0;
const dir = mkdtempSync(join(tmpdir(), 'custos-property-stress-'));

function row(suite: string, a: Assertion): string {
  const seconds = (a.duration ?? 0) / 1000;
  // Regression cases and fixed inputs run once; only properties count runs (runs.ts `counted`).
  const planned = a.meta?.runs;
  // A failed property stopped early and then shrank: its runs are the ones fast-check reports, and no rate.
  const ranBeforeFailure = (a.failureMessages ?? []).join('\n').match(/Property failed after (\d+) tests/)?.[1];
  const ran = planned ? (a.status === 'failed' ? `${ranBeforeFailure ? Number(ranBeforeFailure).toLocaleString('en') : '?'} of ${planned.toLocaleString('en')}` : planned.toLocaleString('en')) : 'one case';
  const rate = planned && a.status === 'passed' && seconds > 0 ? Math.round(planned / seconds).toLocaleString('en') : '';
  // An `it.fails` case "passes" while its hole is open: say that, not "passed".
  const result = a.meta?.knownHole && a.status === 'passed' ? 'known hole, still open (it.fails)' : a.status;
  return `| ${suite} | ${a.fullName.replace(/\|/g, '/')} | ${result} | ${ran} | ${seconds.toFixed(1)} | ${rate} |`;
}

function failureSummary(a: Assertion): string {
  const text = (a.failureMessages ?? []).join('\n');
  const seed = text.match(/\{ seed: [^}]*\}/)?.[0];
  const example = text.match(/Counterexample: (.*)/)?.[1];
  const first = text.split('\n')[0] ?? '';
  const said = seed && example ? `${seed.replace(/, endOnFailure: true/, '')}, counterexample \`${example}\`` : first;
  return said.length > 600 ? `${said.slice(0, 600)}…` : said;
}

function write(finished: boolean, done: number): void {
  const cpu = cpus();
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const progress = finished ? '' : ` (in progress: ${done} of ${suites.length} suites so far)`;
  writeFigures('property', [
    `Run of ${new Date().toISOString().slice(0, 10)}${progress}: CUSTOS_STRESS_RUNS=${Number(runs).toLocaleString('en')} (runs per property; the IPC property shares them out over every channel; regression cases run once), suites one at a time, ${minutes} minutes.`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} now.`,
    '',
    '| suite | property | result | runs | seconds | runs/s |',
    '|---|---|---|---|---|---|',
    ...rows,
    ...(failures.length ? ['', "Failures (fast-check's seed and shrunk counterexample):", '', ...failures] : []),
  ]);
}

try {
  for (const [i, file] of suites.entries()) {
    const report = join(dir, `${file}.json`);
    const child = spawnSync('npx', ['vitest', 'run', `test/property/${file}`, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
      cwd: ROOT,
      env: { ...process.env, CUSTOS_STRESS_RUNS: runs },
      stdio: 'inherit',
    });
    if (child.status !== 0) failed = true;
    const suite = relative(ROOT, join(import.meta.dirname, file));
    if (!existsSync(report)) {
      // vitest itself did not finish (killed, or it could not start): say so in the table rather than drop the suite.
      rows.push(`| ${suite} | (no report: vitest exited with ${child.status ?? child.signal}) | failed | | | |`);
    } else {
      const parsed = JSON.parse(readFileSync(report, 'utf8')) as Report;
      for (const result of parsed.testResults) {
        if (result.assertionResults.length === 0) rows.push(`| ${suite} | (did not load: ${(result.message ?? '').split('\n')[0]?.replace(/\|/g, '/')}) | failed | | | |`);
        rows.push(...result.assertionResults.map((a) => row(suite, a)));
        for (const a of result.assertionResults.filter((x) => x.status === 'failed')) failures.push(`- ${a.fullName}: ${failureSummary(a)}`);
      }
    }
    write(i === suites.length - 1, i + 1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`property figures written to ${RELIABILITY_DOC}`);
process.exitCode = failed ? 1 : 0;
