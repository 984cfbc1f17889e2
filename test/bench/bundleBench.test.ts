import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The bundle bench's memory-capped runs: a capped step that dies (here: a
 * cap too small for Node to start) is printed as a FAILED figure with its
 * reason, and the bench still prints every other figure and exits 0. Before,
 * a heap-limit abort in a capped child threw and ended the whole bench run.
 */
describe('npm run bench -- bundle', () => {
  it('reports a capped run that runs out of heap as a figure and completes', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/bundle.bench.ts', '100'], {
      encoding: 'utf8',
      env: { ...process.env, CUSTOS_BENCH_HEAP_CAP_MIB: '2' },
      timeout: 240_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/export \(--all --private-keys\)\s+\d+/);
    expect(result.stdout).toMatch(/import \(empty keystore, one tx\)\s+\d+/);
    expect(result.stdout).toMatch(/export again, V8 heap capped at 2 MiB\s+FAILED/);
    expect(result.stdout).toMatch(/import again, V8 heap capped at 2 MiB\s+FAILED/);
  }, 300_000);
});
