/**
 * vitest globalSetup: the IPC, security and browser tests run the built app
 * (the worker from dist/, the renderer and preload bundles). `npm test` builds
 * first; when tests run alone, rebuild here whatever is missing or older than
 * its sources, once, before any test file starts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

function newest(dir: string, pattern: RegExp): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(path, pattern));
    else if (pattern.test(entry.name)) max = Math.max(max, statSync(path).mtimeMs);
  }
  return max;
}

const stale = (output: string, sources: number) => !existsSync(join(ROOT, output)) || statSync(join(ROOT, output)).mtimeMs < sources;

function run(args: string[]): void {
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
}

export default function setup(): void {
  const shared = newest(join(ROOT, 'shared'), /\.ts$/);
  const main = Math.max(shared, newest(join(ROOT, 'src-main'), /\.ts$/));
  const renderer = Math.max(shared, newest(join(ROOT, 'src-renderer'), /\.(ts|vue|css|html)$/));
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (stale('dist/src-main/ipc/worker/coreWorker.js', main) || stale('dist/src-main/app/main.js', main)) {
    try {
      run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.main.json']);
    } catch {
      // tsc emits even with type errors elsewhere (another change in progress); a missing entry is fatal below.
    }
  }
  if (stale('dist/renderer/index.html', renderer)) run([vite, 'build', '--config', 'vite.renderer.config.ts']);
  if (stale('dist/preload/preload.cjs', main)) run([vite, 'build', '--config', 'vite.preload.config.ts']);
  for (const output of ['dist/src-main/ipc/worker/coreWorker.js', 'dist/renderer/index.html', 'dist/preload/preload.cjs']) {
    if (!existsSync(join(ROOT, output))) throw new Error(`${output} is missing after the build`);
  }
}
