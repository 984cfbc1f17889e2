/**
 * Hostile-input properties (issue 14): every parser must answer any input with
 * a CustosError carrying a stable code, promptly, and write nothing. Run
 * counts are small in `npm test`; `npm run test:stress` sets
 * CUSTOS_STRESS_RUNS (100,000) through test/property/stress.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, TestRunner } from 'vitest';
import { CustosError, isErrorCode, type ErrorCode } from '../../shared/errors.js';

/** The run count of one property: CUSTOS_STRESS_RUNS when set, else `quick`. */
export function runs(quick: number): number {
  const stress = Number(process.env['CUSTOS_STRESS_RUNS']);
  return Number.isInteger(stress) && stress > 0 ? stress : quick;
}

declare module 'vitest' {
  interface TaskMeta {
    /** How many inputs the test's properties ran: test/property/stress.ts reads it from the JSON report. */
    runs?: number;
    /** Set by a regression case that is `it.fails` because its hole is still open: the table says so instead of "passed". */
    knownHole?: boolean;
  }
}

/** Marks the current test (an `it.fails` regression case) as a hole still open, for the stress run's table. */
export function knownHole(): void {
  const test = TestRunner.getCurrentTest();
  if (test) test.meta.knownHole = true;
}

/** `numRuns` for one fc.assert, counted in the current test's report so the stress run can give runs per second. */
export function counted(numRuns: number): number {
  const test = TestRunner.getCurrentTest();
  if (test) test.meta.runs = (test.meta.runs ?? 0) + numRuns;
  return numRuns;
}

/** A stress run needs a long timeout; a quick one keeps vitest's. */
export function timeoutFor(quickMs: number): number {
  return process.env['CUSTOS_STRESS_RUNS'] ? 24 * 3600_000 : quickMs;
}

const scratch: string[] = [];

/**
 * A folder for the hostile files of one property, in memory (/dev/shm) where
 * the machine has it: a property writes, opens and removes a file on every
 * run, 100,000 times in the stress run, and SQLite's fsyncs on a disk shared
 * with other work cost more than the parsing. Removed after the file's tests.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One parser call may not take longer than this: a parser that loops on some input fails the property. */
export const HANG_MS = 2_000;

function classify(error: unknown, allowed?: readonly ErrorCode[]): ErrorCode {
  if (!(error instanceof CustosError) || !isErrorCode(error.code)) throw new Error(`untyped failure: ${String(error)}`, { cause: error });
  if (error.code === 'INTERNAL') throw new Error(`INTERNAL for hostile input: ${error.message}`);
  if (allowed && !allowed.includes(error.code)) throw new Error(`unexpected code ${error.code}: ${error.message}`);
  return error.code;
}

function inTime(started: number): void {
  const ms = performance.now() - started;
  if (ms > HANG_MS) throw new Error(`a parser took ${Math.round(ms)} ms on one input`);
}

/** What one hostile input did: a typed code, or 'ok' when it was accepted. Anything else throws (the property fails). */
export function outcome(fn: () => unknown, allowed?: readonly ErrorCode[]): ErrorCode | 'ok' {
  const started = performance.now();
  let result: ErrorCode | 'ok';
  try {
    fn();
    result = 'ok';
  } catch (error) {
    result = classify(error, allowed);
  }
  inTime(started);
  return result;
}

export async function outcomeAsync(fn: () => Promise<unknown>, allowed?: readonly ErrorCode[]): Promise<ErrorCode | 'ok'> {
  const started = performance.now();
  let result: ErrorCode | 'ok';
  try {
    await fn();
    result = 'ok';
  } catch (error) {
    result = classify(error, allowed);
  }
  inTime(started);
  return result;
}

/** Byte mutations of a valid file: flips, truncations, insertions, and repeats that grow it. */
export type Mutation = { kind: 'flip'; at: number; mask: number } | { kind: 'truncate'; length: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'splice'; from: number; to: number; length: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), to: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }),
);

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const n = Math.max(out.length, 1);
    if (m.kind === 'flip' && out.length > 0) {
      const at = m.at % out.length;
      out[at] = (out[at] ?? 0) ^ m.mask;
    } else if (m.kind === 'truncate') out = out.subarray(0, m.length % n);
    else if (m.kind === 'insert') {
      const at = m.at % (out.length + 1);
      out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    } else if (m.kind === 'splice') {
      // A span copied over another place: a chunk or page of the file appearing where it should not.
      const from = m.from % n;
      const span = out.subarray(from, from + m.length);
      const to = m.to % n;
      out = Buffer.concat([out.subarray(0, to), span, out.subarray(Math.min(out.length, to + span.length))]);
    }
  }
  return out;
}
