/**
 * The long run of the hostile-input properties (issue 14), part of
 * `npm run test:stress`: every suite under test/property with
 * CUSTOS_STRESS_RUNS runs per property (default 100,000), then the figures
 * (runs, time, outcome per property) go between the property markers of
 * docs/RELIABILITY.md. Exits 1 if any property failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'RELIABILITY.md');
const BEGIN = '<!-- property:begin (written by npm run test:stress) -->';
const END = '<!-- property:end -->';
const runs = process.env['CUSTOS_STRESS_RUNS'] ?? '100000';

interface Assertion {
  fullName: string;
  status: string;
  duration?: number;
}
interface Report {
  testResults: Array<{ name: string; assertionResults: Assertion[] }>;
}

const dir = mkdtempSync(join(tmpdir(), 'custos-property-stress-'));
const report = join(dir, 'report.json');
const started = Date.now();
const child = spawnSync('npx', ['vitest', 'run', 'test/property', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
  cwd: ROOT,
  env: { ...process.env, CUSTOS_STRESS_RUNS: runs },
  stdio: 'inherit',
});
let parsed: Report;
try {
  parsed = JSON.parse(readFileSync(report, 'utf8')) as Report;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = parsed.testResults.flatMap((file) =>
  file.assertionResults.map((a) => `| ${relative(ROOT, file.name)} | ${a.fullName.replace(/\|/g, '/')} | ${a.status} | ${((a.duration ?? 0) / 1000).toFixed(1)} |`),
);
const cpu = cpus();
const figures = [
  BEGIN,
  '',
  `Run of ${new Date().toISOString().slice(0, 10)}: CUSTOS_STRESS_RUNS=${Number(runs).toLocaleString('en')} (runs per property; the IPC property shares them out over every channel; regression cases run once), ${((Date.now() - started) / 60_000).toFixed(1)} minutes.`,
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`,
  '',
  '| suite | property | result | seconds |',
  '|---|---|---|---|',
  ...rows,
  '',
  END,
].join('\n');
const doc = readFileSync(DOC, 'utf8');
const at = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (at < 0 || end < at) throw new Error(`${DOC} lacks the property markers`);
writeFileSync(DOC, doc.slice(0, at) + figures + doc.slice(end + END.length));
console.log(`property figures written to ${DOC}`);
process.exitCode = child.status === 0 ? 0 : 1;
