/**
 * Packaging builds the native modules for the packaged arch (electron-builder's
 * beforePack hook running build/electron-native.mjs) and packs exactly those
 * builds: checked with electron-builder's own hook loader and file matcher on a
 * tree laid out as the script leaves it, since no app can be packaged here
 * (no Electron binary).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { electronAddons, electronNativeDir } from '../../src-main/app/electronNative.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

type Filter = (file: string, stat: ReturnType<typeof statSync>) => boolean;
// electron-builder's internals (no exports map: deep imports), as its packager calls them.
const { getMainFileMatchers, getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers(appDir: string, dest: string, expand: (s: string) => string, platformOptions: object, packager: object, outDir: string, electronCompile: boolean): Array<{ createFilter(): Filter }>;
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (s: string) => string, platformOptions: object, info: object): { createFilter(): Filter };
};
const { resolveFunction } = require('app-builder-lib/out/util/resolve.js') as {
  resolveFunction(type: string, executor: string, name: string, root: string): Promise<unknown>;
};

interface HookModule {
  beforePack(context: object): Promise<void>;
  nativeTarget(context: { arch: number; electronPlatformName: string }): { platform: string; arch: string };
}
interface ScriptModule {
  electronNativeDir(root: string, platform: string, arch: string): string;
  binaryArch(file: string): string | null;
}
const hook = (await import(pathToFileURL(join(ROOT, 'build', 'electronNativeHook.mjs')).href)) as HookModule;
const script = (await import(pathToFileURL(join(ROOT, 'build', 'electron-native.mjs')).href)) as ScriptModule;
// builder-util's Arch enum.
const ARCH = { ia32: 0, x64: 1, armv7l: 2, arm64: 3, universal: 4 } as const;

/**
 * The files electron-builder would put in the app for `arch`, walking as its
 * AppFileWalker does: the app's own files through the main matcher, the
 * dependencies in node_modules through the node-modules matcher.
 */
function packedFiles(appDir: string, arch: string): string[] {
  const expand = (s: string) => s.replaceAll('${arch}', arch).replaceAll('${platform}', process.platform);
  const info = { projectDir: appDir, buildResourcesDir: 'build', config, isPrepackedAppAsar: false, debugLogger: { isEnabled: false } };
  const [matcher] = getMainFileMatchers(appDir, '/out/app', expand, {}, { info }, join(appDir, 'release'), false);
  const appFilter = (matcher as { createFilter(): Filter }).createFilter();
  const moduleFilter = getNodeModuleFileMatcher(appDir, '/out/app', expand, {}, info).createFilter();
  const filter: Filter = (file, stat) => (relative(appDir, file).startsWith('node_modules') ? moduleFilter(file, stat) : appFilter(file, stat));
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      // node_modules itself is not walked as app files: electron-builder collects the dependencies and filters what is in them.
      if (path !== join(appDir, 'node_modules') && !filter(path, stat)) continue;
      if (stat.isDirectory()) walk(path);
      else found.push(relative(appDir, path));
    }
  };
  walk(appDir);
  return found.sort();
}

describe('packaging the native modules', () => {
  const appDir = mkdtempSync(join(tmpdir(), 'custos-pack-'));
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));

  it('electron-builder loads the beforePack hook named in electron-builder.yml, and it is ours', async () => {
    expect(config['beforePack']).toBe('./build/electronNativeHook.mjs');
    // electron-builder imports it through Node's own loader (not vitest's): compare by behaviour.
    const loaded = (await resolveFunction('module', config['beforePack'] as string, 'beforePack', ROOT)) as HookModule['beforePack'];
    expect(loaded.name).toBe('beforePack');
    const other = process.platform === 'win32' ? 'darwin' : 'win32';
    await expect(loaded({ arch: ARCH.x64, electronPlatformName: other })).rejects.toThrow(`cannot build native modules for ${other} on ${process.platform}`);
  });

  it('builds for the arch being packaged, and refuses what node-gyp cannot build here', () => {
    const host = process.platform;
    expect(hook.nativeTarget({ arch: ARCH.arm64, electronPlatformName: host })).toEqual({ platform: host, arch: 'arm64' });
    expect(hook.nativeTarget({ arch: ARCH.x64, electronPlatformName: host })).toEqual({ platform: host, arch: 'x64' });
    expect(hook.nativeTarget({ arch: ARCH.armv7l, electronPlatformName: host })).toEqual({ platform: host, arch: 'armv7l' });
    expect(() => hook.nativeTarget({ arch: ARCH.universal, electronPlatformName: host })).toThrow(/build x64 and arm64 separately/);
    const other = host === 'win32' ? 'darwin' : 'win32';
    expect(() => hook.nativeTarget({ arch: ARCH.x64, electronPlatformName: other })).toThrow(`package on a ${other} host`);
  });

  it('never rebuilds node_modules in place (its Node builds serve the CLI and the tests)', () => {
    expect(config['npmRebuild']).toBe(false);
    // Only the libraries leave the integrity-checked archive; JavaScript stays in it.
    expect(config['asarUnpack']).toEqual(['**/*.node']);
  });

  it("the build script and the app's loader agree on the place, in electron-builder's arch names", () => {
    for (const [platform, arch] of [['linux', 'x64'], ['linux', 'arm64'], ['linux', 'arm'], ['darwin', 'arm64'], ['win32', 'x64']] as const) {
      expect(electronNativeDir('/app', platform, arch)).toBe(script.electronNativeDir('/app', platform, arch));
    }
    expect(electronNativeDir('/app', 'linux', 'arm')).toBe(join('/app', 'native', 'electron', 'linux-armv7l'));
  });

  it('reads the CPU an addon was compiled for, so a build for the wrong arch is caught (node-gyp uses the host compiler)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-arch-'));
    try {
      const header = (fill: (b: Buffer) => void) => {
        const b = Buffer.alloc(256);
        fill(b);
        const file = join(dir, `${Math.random()}.node`);
        writeFileSync(file, b);
        return script.binaryArch(file);
      };
      const elf = (machine: number) => header((b) => (b.writeUInt32BE(0x7f454c46, 0), b.writeUInt16LE(machine, 18)));
      expect([elf(0x3e), elf(0xb7), elf(0x28), elf(0x03), elf(0xf3)]).toEqual(['x64', 'arm64', 'arm', 'ia32', null]);
      expect(header((b) => (b.writeUInt32LE(0xfeedfacf, 0), b.writeUInt32LE(0x0100000c, 4)))).toBe('arm64');
      expect(header((b) => (b.write('MZ', 0, 'latin1'), b.writeUInt32LE(0x80, 0x3c), b.write('PE\0\0', 0x80, 'latin1'), b.writeUInt16LE(0x8664, 0x84)))).toBe('x64');
      expect(header((b) => b.write('not a library', 0, 'latin1'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("packs the addons of the packaged arch only, without the compiler leftovers or node_modules' Node builds", () => {
    const files = [
      'package.json',
      'dist/src-main/app/main.js',
      'dist/src-main/app/main.js.map',
      'node_modules/zod/index.js',
      'node_modules/playwright-core/index.js',
      'node_modules/better-sqlite3/lib/index.js',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      'node_modules/pkcs11js/index.js',
      'node_modules/pkcs11js/build/Release/pkcs11.node',
      ...['x64', 'arm64'].flatMap((arch) => [
        `native/electron/${process.platform}-${arch}/stamp.json`,
        `native/electron/${process.platform}-${arch}/package.json`,
        `native/electron/${process.platform}-${arch}/addons/better-sqlite3/build/Release/better_sqlite3.node`,
        `native/electron/${process.platform}-${arch}/addons/better-sqlite3/build/Release/obj.target/better_sqlite3/src/better_sqlite3.o`,
        `native/electron/${process.platform}-${arch}/addons/better-sqlite3/build/Release/test_extension.node`,
        `native/electron/${process.platform}-${arch}/addons/better-sqlite3/deps/sqlite3/sqlite3.c`,
        `native/electron/${process.platform}-${arch}/addons/better-sqlite3/lib/index.js`,
        `native/electron/${process.platform}-${arch}/addons/pkcs11js/index.js`,
        `native/electron/${process.platform}-${arch}/addons/pkcs11js/package.json`,
        `native/electron/${process.platform}-${arch}/addons/pkcs11js/build/Release/pkcs11.node`,
        `native/electron/${process.platform}-${arch}/addons/pkcs11js/src/pkcs11.cpp`,
      ]),
    ];
    for (const file of files) {
      mkdirSync(dirname(join(appDir, file)), { recursive: true });
      writeFileSync(join(appDir, file), 'x');
    }
    const place = `native/electron/${process.platform}-arm64/addons`;
    expect(packedFiles(appDir, 'arm64')).toEqual([
      'dist/src-main/app/main.js',
      `${place}/better-sqlite3/build/Release/better_sqlite3.node`,
      `${place}/pkcs11js/build/Release/pkcs11.node`,
      `${place}/pkcs11js/index.js`,
      `${place}/pkcs11js/package.json`,
      // Node's builds of the addons stay behind; the JavaScript of the packages goes.
      'node_modules/better-sqlite3/lib/index.js',
      'node_modules/pkcs11js/index.js',
      'node_modules/zod/index.js',
      'package.json',
    ]);
    // …and what the packaged app resolves there is what was packed.
    const addons = electronAddons(join(appDir), process.platform, 'arm64');
    expect(addons).toEqual({ sqliteBinding: join(appDir, place, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), pkcs11Module: join(appDir, place, 'pkcs11js') });
  });
});
