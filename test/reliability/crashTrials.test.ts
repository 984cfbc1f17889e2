/**
 * The fast crash trials of `npm test`: 20 SIGKILLs at random moments of each
 * operation over a small keystore. `npm run test:stress` runs the long
 * version (10,000 keys, 200 trials each) and writes docs/RELIABILITY.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/cli.js';
import { crashTrials, makeTemplate, OPERATIONS } from './crashTrials.js';

const TRIALS = 20;
const KEYS = 200;
const root = mkdtempSync(join(tmpdir(), 'custos-crash-'));
let template: Awaited<ReturnType<typeof makeTemplate>>;

beforeAll(async () => {
  ensureBuilt();
  template = await makeTemplate(join(root, 'template'), KEYS);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe(`kill -9 at random moments (${TRIALS} trials each, ${KEYS} keys)`, () => {
  for (const op of OPERATIONS) {
    it(`${op}: the old state or the new one, never a mix; the file sound, one master key, the audit log verified`, async () => {
      const tally = await crashTrials(join(root, op), op, KEYS, TRIALS, template);
      expect(tally.problems).toEqual([]);
      expect(tally.before + tally.after).toBe(TRIALS);
      expect(tally.mixedStates + tally.integrityFailures + tally.unreadableRecords + tally.keyOpenerFailures + tally.auditFailures + tally.incompleteOutputs).toBe(0);
    }, 180_000);
  }
});
