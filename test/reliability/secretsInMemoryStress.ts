/**
 * `npm run test:stress`, secrets in memory (issue 14): SECRETS_RUNS runs
 * (default 20, alternating base64 and raw master key files) of
 * secretsInMemory.ts; prints the tallies, writes them between the secrets
 * markers of docs/RELIABILITY.md, and exits 1 on any hit after lock or any
 * control dump that failed to find the keys. Where gcore cannot run or
 * attach, it says so, writes that, and exits 0.
 */
import { gcoreUnavailable } from '../helpers/gcore.js';
import { RELIABILITY_DOC, writeFigures } from '../tools/reliabilityFigures.js';
import { secretsInMemoryRun } from './secretsInMemory.js';

const runs = Number(process.env['SECRETS_RUNS'] ?? 20);

const hitsAfterLock = new Map<string, number>();
let runsWithHit = 0;
let controlMisses = 0;
let done = 0;
let skipped = gcoreUnavailable();
let dumpBytes = 0;
const started = Date.now();
for (let i = 0; i < runs && !skipped; i++) {
  const form = i % 2 === 0 ? 'base64' : 'raw';
  try {
    const run = await secretsInMemoryRun(form);
    done++;
    dumpBytes = Math.max(dumpBytes, run.dumpBytes);
    if (!run.unlocked.get('master key (raw bytes)') || !run.unlocked.get('record wrapping key (raw bytes)')) controlMisses++;
    if (run.locked.size > 0) runsWithHit++;
    for (const [label, count] of run.locked) hitsAfterLock.set(label, (hitsAfterLock.get(label) ?? 0) + count);
    console.log(`run ${i + 1}/${runs} (${form} key file): ${run.locked.size === 0 ? 'nothing after lock' : [...run.locked].map(([l, c]) => `${l} ×${c}`).join(', ')}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.startsWith('gcore could not dump')) throw error;
    skipped = message;
  }
}
if (skipped) console.log(`secrets-in-memory dumps skipped: ${skipped}`);

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const found = [...hitsAfterLock].map(([label, count]) => `${label}: ${count}`).join('; ') || 'none';
writeFigures('secrets', [
  skipped && done === 0
    ? `Run of ${new Date().toISOString().slice(0, 10)}: skipped, ${skipped}.`
    : `Run of ${new Date().toISOString().slice(0, 10)}: ${done} runs (${minutes} minutes, dumps of about ${Math.round(dumpBytes / 2 ** 20)} MiB), ${runsWithHit} with a hit after lock (${found}); ${controlMisses} control dumps (taken while unlocked) that missed a key.`,
]);
console.log(`figures written to ${RELIABILITY_DOC}`);
process.exitCode = runsWithHit > 0 || controlMisses > 0 ? 1 : 0;
