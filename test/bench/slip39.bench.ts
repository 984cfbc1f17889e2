/**
 * Issue 10 figures: SLIP-0039 split with every minimal quorum checked (what a
 * ceremony does before printing) and restore, median of several runs, at the
 * default iteration exponent (1) with a 32-byte master key. The same work in
 * Trezor's Python reference (python-shamir-mnemonic: generate_mnemonics, then
 * combine_mnemonics of every quorum) is the yardstick: Custos must not be slower.
 * Run alone: npm run bench -- slip39
 */
import { splitMasterKey, quorums } from '../../src-main/core/paper/ceremony.js';
import { restoreSecret } from '../../src-main/core/paper/restore.js';
import type { GroupSpec } from '../../src-main/core/paper/slip39/index.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { fmt, row } from './measure.js';

const RUNS = 9;
const SETS: ReadonlyArray<readonly [string, number, GroupSpec[]]> = [
  ['3-of-5', 1, [{ threshold: 3, count: 5 }]],
  ['2 of 2 groups: 2-of-3 + 3-of-5', 2, [{ threshold: 2, count: 3 }, { threshold: 3, count: 5 }]],
  ['5-of-7', 1, [{ threshold: 5, count: 7 }]],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median and best of RUNS timed runs after one warm-up; on a shared machine the best shows the cost without the noise. */
function measure<T>(fn: () => T): { ms: string; value: T } {
  let value = fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    value = fn();
    times.push(performance.now() - start);
  }
  return { ms: `${fmt(median(times))} / ${fmt(Math.min(...times))}`, value };
}

const masterKey = generateMasterKey();
const tagKey = new Uint8Array(32).fill(9);
const same = (a: Uint8Array) => Buffer.from(a).equals(Buffer.from(masterKey));

console.log(`ms, median / best of ${RUNS} runs; iteration exponent 1, 32-byte master key`);
console.log('split: every minimal quorum combined too; restore: one minimal quorum; all: every share given');
row('', 'quorums', 'split', 'restore', 'restore all');
for (const [label, groupThreshold, groups] of SETS) {
  const split = measure(() => splitMasterKey(masterKey, tagKey, 'bench', { groupThreshold, groups, custodians: [] }));
  const { mnemonics, subsetsChecked } = split.value;
  const quorum = quorums(mnemonics, groupThreshold, groups).next().value ?? [];
  const inputs = (texts: readonly string[]) => texts.map((text, i) => ({ source: String(i), text }));
  const restore = measure(() => restoreSecret(inputs(quorum)));
  // Every share given: the surplus members and groups are checked against the polynomial too.
  const everything = measure(() => restoreSecret(inputs(mnemonics.flat())));
  if (!same(restore.value.secret) || !same(everything.value.secret)) throw new Error('restore gave another key');
  row(label, subsetsChecked, split.ms, restore.ms, everything.ms);
}
