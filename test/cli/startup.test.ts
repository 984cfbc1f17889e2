import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const REGISTER = join(REPO_ROOT, 'test', 'helpers', 'moduleLog', 'register.mjs');

/** Dependencies that cost tens to hundreds of milliseconds each to load. */
const HEAVY = ['playwright-core', 'better-sqlite3', 'node-vault', 'pkcs11js', 'qrcode', 'hash-wasm', 'zod'];

/** Runs the real bin and returns every module it loaded (ES and CommonJS), as file URLs or paths. */
async function modulesLoaded(argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string[]> {
  return (await runLogged(argv, options)).modules;
}

async function runLogged(argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ stdout: string; modules: string[] }> {
  const cwd = options.cwd ?? tempDir();
  const log = join(cwd, 'modules.log');
  const { stdout } = await run(process.execPath, ['--import', REGISTER, BIN, ...argv], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, CUSTOS_TEST_MODULE_LOG: log, ...options.env },
  });
  return { stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function packagesIn(modules: string[], names: string[]): string[] {
  return names.filter((name) => modules.some((m) => m.includes(`/node_modules/${name}/`)));
}

/**
 * Start-up cost is what a command loads; the test counts modules rather than
 * timing anything (the bench, test/bench/startup.bench.ts, times it).
 */
describe('what the CLI loads at start', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 120_000);

  it.each([['--version'], ['-V']])('custos %s loads the bin and the version only, and prints the package version', async (flag) => {
    const { stdout, modules } = await runLogged([flag]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(stdout).toBe(`${pkg.version}\n`);
    const ours = modules.filter((m) => !m.startsWith('node:') && !m.includes('/test/helpers/moduleLog/'));
    expect(ours.map((m) => m.replace(/^.*\/(bin|dist)\//, '$1/'))).toEqual(['bin/custos.js', 'dist/src-main/cli/version.js']);
  });

  it.each([[['--help']], [['help']], [['--version', '--json']]])('custos %j loads commander and no heavy dependency or command', async (argv) => {
    const modules = await modulesLoaded(argv);
    // The log works: the bin and commander are in it.
    expect(modules.some((m) => m.endsWith('/bin/custos.js'))).toBe(true);
    expect(packagesIn(modules, ['commander'])).toEqual(['commander']);
    expect(packagesIn(modules, HEAVY)).toEqual([]);
    // No command module, no core module (the SLIP-0039 word list among them).
    expect(modules.filter((m) => m.includes('/dist/src-main/cli/commands/') || m.includes('/dist/src-main/core/'))).toEqual([]);
  });

  it('keys list with a master key file loads SQLite but no printing, Vault, HSM, KDF or schema library, nor the SLIP-0039 word list', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'master.key'), Buffer.alloc(32, 3).toString('base64'), { mode: 0o600 });
    await run(process.execPath, [BIN, 'init', '--master-key-file', 'master.key'], { cwd, env: { PATH: process.env['PATH'] ?? '' } });
    const modules = await modulesLoaded(['keys', 'list', '--json', '--master-key-file', 'master.key'], { cwd });
    expect(packagesIn(modules, ['better-sqlite3'])).toEqual(['better-sqlite3']);
    expect(packagesIn(modules, ['playwright-core', 'node-vault', 'pkcs11js', 'qrcode', 'hash-wasm', 'zod'])).toEqual([]);
    expect(modules.filter((m) => m.includes('/core/paper/'))).toEqual([]);
    expect(modules.filter((m) => m.includes('/cli/commands/') && !m.endsWith('/cli/commands/keys.js'))).toEqual([]);
  });
});
