import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// electron-builder's own validator, against its own JSON schema (no exports map: deep import).
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const config = load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validator does reject a config with an unknown field (so the check above means something)', async () => {
    await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow();
  });

  it('builds AppImage and deb on Linux, dmg and nsis elsewhere', () => {
    expect((config['linux'] as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config['mac'] as { target: string }).target).toBe('dmg');
    expect((config['win'] as { target: string }).target).toBe('nsis');
  });

  it('sets the Electron fuses that close local code-execution paths', () => {
    expect(config['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config['asar']).toBe(true);
  });

  it('mac: the hardened runtime may load a PKCS#11 module signed by another team (disable-library-validation)', () => {
    const mac = config['mac'] as { hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.entitlementsInherit).toBe(mac.entitlements);
    const plist = readFileSync(mac.entitlements, 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.cs.disable-library-validation']);
  });
});

/** Bare module names the built main process and worker import (static, dynamic, and through createRequire). */
function runtimeModules(roots: string[]): Map<string, string> {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const specifier = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|\)\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;
  const stack = roots.map((r) => resolve(r));
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(specifier)) {
      const spec = m.slice(1).find((x) => x !== undefined) as string;
      if (spec.startsWith('.')) {
        const next = resolve(dirname(file), spec);
        if (existsSync(next)) stack.push(next);
      } else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        if (!found.has(name)) found.set(name, file);
      }
    }
  }
  return found;
}

describe('what the packaged app carries', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  // Whole packages left out (not parts of one, such as a native module's Node build).
  const excluded = ((config['files'] as string[]) ?? []).flatMap((f) => /^!node_modules\/([^{/]+)\{,\/\*\*\/\*\}$/.exec(f)?.[1] ?? []);

  it('leaves out the CLI-only dependencies, and the built main process and worker never import them', () => {
    expect(excluded.sort()).toEqual(['commander', 'jsqr', 'playwright-core']);
    const roots = [join('dist', 'src-main', 'app', 'main.js'), join('dist', 'src-main', 'ipc', 'worker', 'coreWorker.js')];
    for (const root of roots) expect(existsSync(root), `${root} (run npx tsc -p tsconfig.main.json)`).toBe(true);
    const used = runtimeModules(roots);
    for (const name of excluded) expect(used.get(name), `${name} is imported by the app`).toBeUndefined();
    // What it does import is shipped: a runtime dependency (or Electron itself), never a devDependency.
    for (const [name, by] of used) expect(name === 'electron' || name in pkg.dependencies, `${name} (imported by ${by})`).toBe(true);
    expect([...used.keys()]).toEqual(expect.arrayContaining(['better-sqlite3', 'pkcs11js', 'zod', 'qrcode']));
  });

  it('the fuses read back from a packaged binary, where one was built', async () => {
    const binary = join('release', 'linux-unpacked', 'custos');
    if (!existsSync(binary)) {
      console.log(`SKIPPED reading the fuses back: no packaged app at ${binary}. Packaging needs the Electron binary, which this machine cannot download (ELECTRON_SKIP_BINARY_DOWNLOAD); run npx electron-builder --linux --dir where it can.`);
      return;
    }
    const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses');
    // FuseState (not exported from the package's index): '0' = 48 disabled, '1' = 49 enabled.
    const FuseState = { DISABLE: 48, ENABLE: 49 } as const;
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });
});
