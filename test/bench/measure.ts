/** Small helpers shared by the benchmarks: wall time, peak RSS, aligned output, a step in a fresh process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Measured<T> {
  value: T;
  ms: number;
}

export async function timed<T>(fn: () => T | Promise<T>): Promise<Measured<T>> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function row(label: string, ...cells: Array<string | number>): void {
  console.log(`${label.padEnd(44)}${cells.map((c) => String(c).padStart(14)).join('')}`);
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

/**
 * Runs the bench file `moduleUrl` (its import.meta.url) again in a fresh Node
 * process with `args`, its output printed here: a step timed as the CLI runs
 * it, with a heap of its own. Throws when the child fails.
 */
export function inFreshProcess(moduleUrl: string, args: string[]): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(moduleUrl), ...args], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`${args[0] ?? 'the step'} in a fresh process failed: ${child.status ?? child.signal}`);
}
