#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into native/electron/, leaving the
// Node build in node_modules (used by the tests and the CLI) untouched. The
// app's worker loads this file through better-sqlite3's `nativeBinding` option.
// It needs Electron's headers (downloaded by node-gyp from electronjs.org) and
// a C++ toolchain; where either is missing it stops with a message, not a
// half-built file.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
const outDir = join(root, 'native', 'electron');
const out = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');
const stamp = JSON.stringify({ electron: electronVersion, betterSqlite3: sqliteVersion, arch: process.arch, platform: process.platform });

if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  process.stdout.write(`native/electron/better_sqlite3.node is current (Electron ${electronVersion})\n`);
  process.exit(0);
}

/** A configured `nodedir` (npm config or env) would make node-gyp build against Node's headers instead of Electron's. */
function gypEnv() {
  const env = { ...process.env, npm_config_runtime: 'electron' };
  for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
  return env;
}

const work = mkdtempSync(join(tmpdir(), 'custos-electron-sqlite-'));
try {
  cpSync(sqliteDir, join(work, 'better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${'/'}build${'/'}`) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  process.stdout.write(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})\n`);
  execFileSync(
    process.execPath,
    [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
    { cwd: join(work, 'better-sqlite3'), stdio: 'inherit', env: gypEnv() },
  );
  mkdirSync(outDir, { recursive: true });
  cpSync(join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), out);
  writeFileSync(stampFile, stamp);
  process.stdout.write(`wrote ${out}\n`);
} catch (error) {
  process.stderr.write(
    [
      '',
      `error: could not build better-sqlite3 for Electron ${electronVersion}.`,
      'This step downloads Electron headers from https://electronjs.org/headers and compiles with node-gyp',
      '(needs python3, make and a C++ compiler). On a machine without that network access, build',
      'native/electron/better_sqlite3.node elsewhere for the same Electron version and platform and copy it in.',
      `cause: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      '',
    ].join('\n'),
  );
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
