#!/usr/bin/env node
// Builds the app's native modules (better-sqlite3, pkcs11js) for Electron's ABI
// with the ecosystem's own tool, @electron/rebuild: it tries a prebuilt binary
// first (better-sqlite3 publishes them through prebuild-install) and compiles
// with node-gyp against Electron's headers where none fits. The builds go into
// native/electron/<platform>-<arch>/addons/, copies of the two packages, so
// that the Node builds in node_modules (the CLI and the tests) are never
// touched. The app's worker loads them from there (src-main/app/electronNative.ts).
//
//   node build/electron-native.mjs [--arch arm64] [--force]
//   node build/electron-native.mjs --node-headers <dir> --out <dir>   (stand-in, tests)
//
// --node-headers builds against Node's own installed headers instead of
// Electron's (which need network): a STAND-IN used by the tests on machines that
// cannot reach electronjs.org. Its output loads in Node, not in Electron, so it
// must go to --out, never to native/electron/.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The two addons and, for each, the compiled file its package loads (relative to the package). */
export const ADDONS = [
  { name: 'better-sqlite3', file: join('build', 'Release', 'better_sqlite3.node') },
  { name: 'pkcs11js', file: join('build', 'Release', 'pkcs11.node') },
];

/**
 * Where the Electron builds for one target live; src-main/app/electronNative.ts
 * uses the same rule. Arch as electron-builder names it (armv7l for Node's arm),
 * so the `${arch}` macro in electron-builder.yml picks the same folder.
 */
export function electronNativeDir(appRoot, platform, arch) {
  return join(appRoot, 'native', 'electron', `${platform}-${arch === 'arm' ? 'armv7l' : arch}`);
}

/**
 * The CPU a compiled addon is for (ELF, Mach-O or PE header), in Node's arch
 * names; null for a format this does not read (a universal Mach-O, say).
 * node-gyp compiles with the host's compiler whatever --arch says, so a build
 * for another arch must be checked, not trusted.
 */
export function binaryArch(file) {
  const b = readFileSync(file);
  if (b.length < 64) return null;
  if (b.readUInt32BE(0) === 0x7f454c46) return { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64' }[b.readUInt16LE(18)] ?? null;
  if (b.readUInt32LE(0) === 0xfeedfacf) return { 0x01000007: 'x64', 0x0100000c: 'arm64' }[b.readUInt32LE(4)] ?? null;
  if (b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 > b.length || b.toString('latin1', pe, pe + 4) !== 'PE\0\0') return null;
    return { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64' }[b.readUInt16LE(pe + 4)] ?? null;
  }
  return null;
}

const versionOf = (pkgDir) => JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

/** What a build was made from; a place whose stamp matches is current and is not rebuilt. */
function stampFor({ electronVersion, platform, arch, nodeHeaders }) {
  const stamp = { electron: electronVersion, platform, arch, headers: nodeHeaders ? `node-stand-in ${process.version}` : 'electron' };
  for (const addon of ADDONS) stamp[addon.name] = versionOf(packageDir(addon.name));
  return JSON.stringify(stamp);
}

export function isCurrent(dir, stamp) {
  const file = join(dir, 'stamp.json');
  return existsSync(file) && readFileSync(file, 'utf8') === stamp && ADDONS.every((a) => existsSync(join(dir, 'addons', a.name, a.file)));
}

/** The package without any build of it, so nothing compiled for Node can pass for an Electron build. */
function copyPackage(name, into) {
  const from = packageDir(name);
  cpSync(from, join(into, 'node_modules', name), {
    recursive: true,
    filter: (p) => !/[\\/](build|prebuilds|node_modules)([\\/]|$)/.test(p.slice(from.length)),
  });
}

/**
 * Builds both addons for one Electron target into `out` (default: the place
 * the app loads from). Builds in a sibling folder and renames it into place,
 * so an interrupted build never leaves a half-built folder with a stamp.
 */
export async function buildElectronNative(options = {}) {
  const electronVersion = options.electronVersion ?? versionOf(packageDir('electron'));
  const platform = process.platform;
  // node-gyp and prebuild-install take Node's name for 32-bit ARM; electron-builder's is armv7l.
  const arch = options.arch === 'armv7l' ? 'arm' : (options.arch ?? process.arch);
  const nodeHeaders = options.nodeHeaders;
  const out = resolve(options.out ?? electronNativeDir(root, platform, arch));
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  if (nodeHeaders && !options.out) throw new Error('--node-headers builds a stand-in that Electron cannot load: give --out too');
  const stamp = stampFor({ electronVersion, platform, arch, nodeHeaders });
  if (!options.force && isCurrent(out, stamp)) {
    log(`${out} is current (Electron ${electronVersion}, ${platform}-${arch})`);
    return { out, built: false };
  }

  // Inside the project, so @electron/rebuild finds prebuild-install in its node_modules by walking up.
  const work = `${out}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const dependencies = Object.fromEntries(ADDONS.map((a) => [a.name, versionOf(packageDir(a.name))]));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'custos-electron-native', private: true, dependencies }, null, 2));
  for (const addon of ADDONS) copyPackage(addon.name, work);

  // node-gyp reads npm_config_nodedir from the environment: set it for the stand-in, and
  // make sure a nodedir left in the user's npm config never builds the app against Node.
  const saved = Object.entries(process.env).filter(([key]) => key.toLowerCase() === 'npm_config_nodedir');
  for (const [key] of saved) delete process.env[key];
  if (nodeHeaders) process.env['npm_config_nodedir'] = resolve(nodeHeaders);
  const headers = nodeHeaders ? `Node ${process.version}'s headers in ${nodeHeaders} (a stand-in for Electron's)` : `Electron ${electronVersion}'s headers`;
  log(`building ${ADDONS.map((a) => `${a.name} ${dependencies[a.name]}`).join(', ')} for ${platform}-${arch} against ${headers}`);
  try {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({
      buildPath: work,
      projectRootPath: work,
      electronVersion,
      arch,
      onlyModules: ADDONS.map((a) => a.name),
      force: true,
      // Electron's prebuilt binaries would not load against Node's headers: the stand-in compiles.
      buildFromSource: Boolean(nodeHeaders),
      mode: 'sequential',
      // node-gyp's default is one compile job; sqlite3.c alone takes minutes that way.
      jobs: availableParallelism(),
      // Only build/Release/*.node is loaded; no second copy under bin/.
      disablePreGypCopy: true,
    });
    for (const addon of ADDONS) {
      const file = join(work, 'node_modules', addon.name, addon.file);
      if (!existsSync(file)) throw new Error(`@electron/rebuild finished but ${addon.name} has no ${addon.file}`);
      const built = binaryArch(file);
      if (built !== null && built !== arch) {
        throw new Error(`${addon.name} came out built for ${built}, not ${arch}: node-gyp compiles with the host's compiler; set CC and CXX to a cross compiler for ${arch}, or build on a ${arch} machine`);
      }
    }
    // @electron/rebuild works on a node_modules folder; renamed, the copies are never taken for the
    // app's dependencies (electron-builder treats any node_modules in `files` as such).
    renameSync(join(work, 'node_modules'), join(work, 'addons'));
    writeFileSync(join(work, 'stamp.json'), stamp);
    rmSync(out, { recursive: true, force: true });
    renameSync(work, out);
  } finally {
    delete process.env['npm_config_nodedir'];
    for (const [key, value] of saved) process.env[key] = value;
    rmSync(work, { recursive: true, force: true });
  }
  log(`wrote ${out}`);
  return { out, built: true };
}

function explain(error, arch) {
  return [
    '',
    `error: could not build the native modules for Electron (${process.platform}-${arch}).`,
    '@electron/rebuild first tries a prebuilt binary (downloaded from the module\'s GitHub releases), then',
    'compiles with node-gyp against Electron\'s headers (downloaded from electronjs.org; needs python3, make',
    'and a C++ compiler). Without that network access, run this script where it is available, for the same',
    `Electron version and target, and copy native/electron/${process.platform}-${arch}/ in.`,
    `cause: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string' },
      force: { type: 'boolean', default: false },
      'node-headers': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const arch = values.arch ?? process.arch;
  try {
    await buildElectronNative({ arch, force: values.force, nodeHeaders: values['node-headers'], out: values.out });
  } catch (error) {
    process.stderr.write(explain(error, arch));
    process.exitCode = 1;
  }
}
