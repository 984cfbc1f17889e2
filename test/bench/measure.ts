/** Small helpers shared by the benchmarks: wall time, peak RSS, aligned output. */

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
