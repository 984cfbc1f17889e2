/**
 * The fast crash trials of `npm test`: 20 SIGKILLs of each operation over a
 * small keystore, half at a moment drawn from the run's time, half at a
 * write-like system call drawn from those the run makes (strace), which
 * lands many more inside the commits. `npm run test:stress` runs the long
 * version (10,000 keys, 200 trials each way by default) and writes docs/RELIABILITY.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/cli.js';
import { straceUnavailable } from '../helpers/strace.js';
import { crashTrials, makeTemplate, OPERATIONS } from './crashTrials.js';

const TRIALS = 10;
const KEYS = 100;
const noStrace = straceUnavailable();
if (noStrace) console.warn(`crash trials at system calls skipped (kills by time only): ${noStrace}`);
const root = mkdtempSync(join(tmpdir(), 'custos-crash-'));
let template: Awaited<ReturnType<typeof makeTemplate>>;

beforeAll(async () => {
  ensureBuilt();
  template = await makeTemplate(join(root, 'template'), KEYS);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe(`kill -9 at random moments (${TRIALS} by time and ${TRIALS} by system call, each operation, ${KEYS} keys)`, () => {
  for (const op of OPERATIONS) {
    for (const by of ['time', 'syscall'] as const) {
      it.skipIf(by === 'syscall' && noStrace !== null)(`${op}, by ${by}: the old state or the new one, never a mix; the file sound, one master key, the audit log verified`, async () => {
        const tally = await crashTrials(join(root, `${op}-${by}`), op, KEYS, TRIALS, template, by);
        expect(tally.problems).toEqual([]);
        expect(tally.before + tally.after).toBe(TRIALS);
        expect(tally.mixedStates + tally.integrityFailures + tally.unreadableRecords + tally.keyOpenerFailures + tally.auditFailures + tally.incompleteOutputs).toBe(0);
        console.log(`${op} by ${by}: ${tally.before} old state, ${tally.after} new state, ${tally.completed} finished before the kill${by === 'syscall' ? `, ${tally.crashPoints} crash points` : ''}`);
      }, 180_000);
    }
  }
});
