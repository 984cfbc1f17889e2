/**
 * `npm run build:electron-native` (build/electron-native.mjs) builds
 * better-sqlite3 and pkcs11js with @electron/rebuild into the app's own place,
 * native/electron/<platform>-<arch>/addons/, never touching node_modules.
 *
 * Electron's headers come from electronjs.org, which this machine cannot
 * reach, so the script runs here with Node's own installed headers as a
 * STAND-IN for Electron's (--node-headers): the same @electron/rebuild call,
 * module walk, copy, stamp and rename, only the ABI differs, which is what
 * lets the result load in a child Node process through the loader code the
 * app's worker uses. One build per file: compiling sqlite3.c is slow.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOFTHSM_MODULE, softHsmFolder, softHsmUnavailable } from '../helpers/softhsm.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'build', 'electron-native.mjs');
const NODE_DIR = dirname(dirname(process.execPath));
const ELECTRON_VERSION = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const NODE_BUILDS = [join(ROOT, 'node_modules', 'better-sqlite3', 'build'), join(ROOT, 'node_modules', 'pkcs11js', 'build')];

const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

function whyNot(): string | null {
  if (!existsSync(join(NODE_DIR, 'include', 'node', 'node.h'))) return `Node's headers are not installed under ${NODE_DIR}/include/node (the stand-in for Electron's headers needs them)`;
  for (const tool of ['python3', 'make', 'c++']) if (!has(tool)) return `${tool} is not installed: node-gyp cannot compile`;
  if (!existsSync(join(ROOT, 'dist', 'src-main', 'app', 'electronNative.js'))) return 'dist/ is not built (run npx tsc -p tsconfig.main.json)';
  return null;
}
const skip = whyNot();
if (skip) console.log(`SKIPPED building the native modules with the Node-headers stand-in: ${skip}`);

/** sha256 of every file under the Node builds in node_modules, by path. */
function hashTree(dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  for (const dir of dirs) walk(dir);
  return out;
}

const run = promisify(execFile);

describe.skipIf(skip !== null)('build/electron-native.mjs with Node headers standing in for Electron\'s', () => {
  // The layout the app expects: <appRoot>/native/electron/<platform>-<arch>/.
  // Made when the suite runs (not when it is collected), so a filtered run leaves no folder behind.
  let appRoot = '';
  let place = '';
  let sqliteAddon = '';
  let pkcs11Addon = '';
  let before: Map<string, string>;
  let output = '';
  let seconds = 0;

  beforeAll(async () => {
    appRoot = mkdtempSync(join(tmpdir(), 'custos-electron-native-'));
    place = join(appRoot, 'native', 'electron', `${process.platform}-${process.arch === 'arm' ? 'armv7l' : process.arch}`);
    sqliteAddon = join(place, 'addons', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    pkcs11Addon = join(place, 'addons', 'pkcs11js', 'build', 'Release', 'pkcs11.node');
    before = hashTree(NODE_BUILDS);
    const started = Date.now();
    // -O0 (after node-gyp's own -O3 on the command line, so it wins): what is checked here is
    // where the builds go and that they load, not their speed; sqlite3.c at -O3 takes minutes.
    const env = { ...process.env, CFLAGS: '-O0', CXXFLAGS: '-O0' };
    const result = await run(process.execPath, [SCRIPT, '--node-headers', NODE_DIR, '--out', place], { cwd: ROOT, env, timeout: 570_000, maxBuffer: 64 << 20 });
    seconds = (Date.now() - started) / 1000;
    output = result.stdout + result.stderr;
    console.log(`built both addons with @electron/rebuild in ${seconds.toFixed(1)} s`);
  }, 600_000);
  afterAll(() => {
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  it('puts both addons, built for this arch, in the Electron place, stamped as a stand-in build, with no half-built folder left', async () => {
    expect(output).toContain(`against Node ${process.version}'s headers`);
    expect(output).toContain("(a stand-in for Electron's)");
    const { binaryArch } = (await import(pathToFileURL(SCRIPT).href)) as { binaryArch(file: string): string | null };
    for (const file of [sqliteAddon, pkcs11Addon]) expect(binaryArch(file), file).toBe(process.arch);
    // pkcs11js loads its addon by a relative path from its own index.js: both travel together.
    expect(existsSync(join(place, 'addons', 'pkcs11js', 'index.js'))).toBe(true);
    const stamp = JSON.parse(readFileSync(join(place, 'stamp.json'), 'utf8')) as Record<string, string>;
    expect(stamp).toMatchObject({ electron: ELECTRON_VERSION, platform: process.platform, arch: process.arch, headers: `node-stand-in ${process.version}` });
    expect(readdirSync(dirname(place))).toEqual([basename(place)]);
  });

  it("loads both in a child Node process through the worker's loaders, from the Electron place and not from node_modules", async () => {
    const dist = (p: string) => pathToFileURL(join(ROOT, 'dist', 'src-main', p)).href;
    const hsm = softHsmUnavailable() === null;
    if (hsm) softHsmFolder();
    const script = `
      import { readFileSync } from 'node:fs';
      import { electronAddons } from ${JSON.stringify(dist('app/electronNative.js'))};
      import { newDatabase, useNativeBinding } from ${JSON.stringify(dist('core/keystore/sqlite.js'))};
      import { pkcs11js, usePkcs11Module } from ${JSON.stringify(dist('core/kms/pkcs11/binding.js'))};
      const addons = electronAddons(${JSON.stringify(appRoot)});
      useNativeBinding(addons.sqliteBinding);
      usePkcs11Module(addons.pkcs11Module);
      const db = newDatabase(':memory:');
      const sqlite = db.prepare('select sqlite_version() as v').get().v;
      db.close();
      const p = pkcs11js();
      let manufacturer = null;
      if (${hsm}) {
        const m = new p.PKCS11();
        m.load(${JSON.stringify(SOFTHSM_MODULE)});
        m.C_Initialize();
        manufacturer = m.C_GetInfo().manufacturerID.trim();
        m.C_Finalize();
        m.close();
      }
      const loaded = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5]).filter((f) => f && f.endsWith('.node')))];
      console.log(JSON.stringify({ addons, sqlite, ckmAesGcm: p.CKM_AES_GCM, manufacturer, loaded }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: process.env });
    const result = JSON.parse(stdout) as { addons: Record<string, string>; sqlite: string; ckmAesGcm: number; manufacturer: string | null; loaded: string[] };
    expect(result.addons).toEqual({ sqliteBinding: sqliteAddon, pkcs11Module: join(place, 'addons', 'pkcs11js') });
    expect(result.sqlite).toMatch(/^3\.\d+\.\d+$/);
    expect(result.ckmAesGcm).toBe(0x1087);
    if (hsm) expect(result.manufacturer).toBe('SoftHSM');
    expect(result.loaded.sort()).toEqual([pkcs11Addon, sqliteAddon].sort());
  });

  it("leaves node_modules' own builds byte-identical", () => {
    const after = hashTree(NODE_BUILDS);
    expect(after.size).toBeGreaterThan(2);
    expect([...after.entries()]).toEqual([...before.entries()]);
  });

  it('does not redo a current build; a stamp for another Electron, or for real headers, is not current', async () => {
    const mtime = statSync(sqliteAddon).mtimeMs;
    const again = await run(process.execPath, [SCRIPT, '--node-headers', NODE_DIR, '--out', place], { cwd: ROOT });
    expect(again.stdout).toContain('is current');
    expect(statSync(sqliteAddon).mtimeMs).toBe(mtime);
    const { isCurrent } = (await import(pathToFileURL(SCRIPT).href)) as { isCurrent(dir: string, stamp: string): boolean };
    const stamp = readFileSync(join(place, 'stamp.json'), 'utf8');
    expect(isCurrent(place, stamp)).toBe(true);
    // Another Electron, or a real (not stand-in) build asked for: not current.
    expect(isCurrent(place, stamp.replace(ELECTRON_VERSION, '0.0.1'))).toBe(false);
    expect(isCurrent(place, stamp.replace(`node-stand-in ${process.version}`, 'electron'))).toBe(false);
    writeFileSync(join(place, 'stamp.json'), stamp);
  });

  it('refuses to write a stand-in build where the app would load it', async () => {
    const refused = await run(process.execPath, [SCRIPT, '--node-headers', NODE_DIR], { cwd: ROOT }).then(
      () => 'ran',
      (error: { code?: number; stderr?: string }) => `exit ${error.code}: ${error.stderr ?? ''}`,
    );
    expect(refused).toMatch(/^exit 1: [^]*--node-headers builds a stand-in that Electron cannot load/);
  });
});

/** Null when neither host the real build needs can be reached (as here); else why the offline test does not apply. */
async function online(): Promise<string | null> {
  const { lookup } = await import('node:dns/promises');
  for (const host of ['electronjs.org', 'github.com']) {
    if (await lookup(host).then(() => true, () => false)) return `${host} resolves, so a real build would download instead of failing`;
  }
  return null;
}
const reachable = await online();
if (reachable) console.log(`SKIPPED the offline build test: ${reachable}`);

describe.skipIf(reachable !== null)('build/electron-native.mjs for real Electron, without network access', () => {
  it('tries a prebuilt better-sqlite3 first, then says what it needs; nothing is left behind and node_modules is untouched', async () => {
    const before = hashTree(NODE_BUILDS);
    // Inside the project, as `npm start` builds: @electron/rebuild finds prebuild-install by walking up from there.
    const out = join(ROOT, 'native', 'electron', `offline-test-${process.pid}`);
    const env = { ...process.env, DEBUG: 'electron-rebuild' };
    const failed = await run(process.execPath, [SCRIPT, '--out', out], { cwd: ROOT, env, timeout: 240_000, maxBuffer: 64 << 20 }).then(
      () => null,
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(failed?.code).toBe(1);
    expect(failed?.output).toContain(`against Electron ${ELECTRON_VERSION}'s headers`);
    expect(failed?.output).toContain('triggering prebuild download step: better-sqlite3');
    expect(failed?.output).toContain('error: could not build the native modules for Electron');
    expect(failed?.output).toContain('downloaded from electronjs.org');
    expect(readdirSync(dirname(out)).filter((name) => name.startsWith(basename(out)))).toEqual([]);
    expect([...hashTree(NODE_BUILDS).entries()]).toEqual([...before.entries()]);
  }, 300_000);
});
