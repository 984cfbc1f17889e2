/**
 * The app's worker loads pkcs11js, like better-sqlite3, from the Electron
 * build in native/electron/ when main names it; a build that cannot load is
 * NATIVE_MODULE_UNAVAILABLE with the one command that builds both, never
 * INTERNAL. (Building and loading real Electron-place builds: test/build/electronNative.test.ts.)
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CustosError } from '../../shared/errors.js';
import { electronAddons } from '../../src-main/app/electronNative.js';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { nativeLoadError } from '../../src-main/core/nativeModules.js';
import { startCore } from '../../src-main/ipc/worker/coreClient.js';
import { makeVault } from '../helpers/keystore.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable } from '../helpers/softhsm.js';
import { tempDir } from '../helpers/tmp.js';
import { WORKER_URL } from '../ipc/harness.js';

const hsmUnavailable = softHsmUnavailable();
if (hsmUnavailable) console.log(`SKIPPED pkcs11js through the worker: ${hsmUnavailable}`);

/** A pkcs11js package as the build script lays it out, whose addon is not a library (a build for another OS, say). */
function brokenPkcs11js(): string {
  const dir = join(tempDir(), 'addons', 'pkcs11js');
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pkcs11js', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), "module.exports = require('./build/Release/pkcs11.node');\n");
  writeFileSync(join(dir, 'build', 'Release', 'pkcs11.node'), 'not an ELF library');
  return dir;
}

async function unlockCode(pkcs11Module: string | undefined, path: string): Promise<{ code: string; message: string }> {
  const core = startCore({ workerUrl: WORKER_URL, pkcs11Module });
  try {
    const approvals = { pkcs11Modules: [realpathSync(SOFTHSM_MODULE)], vaultServers: [] };
    return await core.call('unlockWithMethod', { path, methodId: 2, credentials: { kind: 'pkcs11', pin: USER_PIN }, approvals }).then(
      () => ({ code: 'unlocked', message: '' }),
      (error: unknown) => (error instanceof CustosError ? { code: error.code, message: error.message } : { code: 'untyped', message: String(error) }),
    );
  } finally {
    await core.close();
  }
}

describe.skipIf(hsmUnavailable !== null)("pkcs11js in the app's worker (real SoftHSM2)", () => {
  beforeAll(() => softHsmFolder().initToken('custos-native'));

  it('loads the build main names; a broken one is NATIVE_MODULE_UNAVAILABLE naming pkcs11js, not INTERNAL', async () => {
    const vault = await makeVault({ passphrase: 'native modules' });
    const ks = await vault.open();
    try {
      await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-native' }, pin: USER_PIN, keyLabel: 'native-root', generate: true, label: 'HSM' });
    } finally {
      ks.close();
    }
    // Without a named build the worker uses node_modules' (Node's) pkcs11js, as the CLI does.
    expect(await unlockCode(undefined, vault.path)).toEqual({ code: 'unlocked', message: '' });
    const broken = await unlockCode(brokenPkcs11js(), vault.path);
    expect(broken.code).toBe('NATIVE_MODULE_UNAVAILABLE');
    expect(broken.message).toContain('the native module pkcs11js could not be loaded');
    expect(broken.message).toContain('npm rebuild pkcs11js');
  });
});

describe('what a failed load tells the person running the app', () => {
  const saved = process.versions['electron'];
  afterEach(() => {
    if (saved === undefined) delete (process.versions as Record<string, string | undefined>)['electron'];
  });

  it('in Electron, both addons point at the one command that builds them into native/electron/', () => {
    (process.versions as Record<string, string>)['electron'] = '45.5.0';
    const abi = Object.assign(new Error('was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140.'), { code: 'ERR_DLOPEN_FAILED' });
    for (const module of ['better-sqlite3', 'pkcs11js'] as const) {
      const message = nativeLoadError(module, abi)?.message ?? '';
      expect(message).toContain(`the native module ${module} could not be loaded`);
      expect(message).toContain('`npm run build:electron-native`');
      expect(message).toContain('for Electron 45.5.0');
      // Rebuilding node_modules for Electron would break the CLI and the tests.
      expect(message).not.toMatch(/@electron\/rebuild --only|npm rebuild/);
    }
  });
});

describe('where the app finds its Electron builds', () => {
  it('packaged: the addon beside the asar archive, pkcs11js by its path in the archive; nothing when not built', () => {
    const root = tempDir();
    // A folder stands in for the archive (Electron's fs reads app.asar as one).
    const appRoot = join(root, 'resources', 'app.asar');
    expect(electronAddons(appRoot, 'linux', 'x64')).toEqual({ sqliteBinding: undefined, pkcs11Module: undefined });
    const place = join('native', 'electron', 'linux-x64', 'addons');
    const unpacked = join(root, 'resources', 'app.asar.unpacked', place);
    const files = [join(unpacked, 'better-sqlite3/build/Release/better_sqlite3.node'), join(unpacked, 'pkcs11js/build/Release/pkcs11.node'), join(appRoot, place, 'pkcs11js/index.js')];
    for (const file of files) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, '');
    }
    expect(electronAddons(appRoot, 'linux', 'x64')).toEqual({
      sqliteBinding: join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
      pkcs11Module: join(appRoot, place, 'pkcs11js'),
    });
    // Another arch's place is not this one's.
    expect(electronAddons(appRoot, 'linux', 'arm64')).toEqual({ sqliteBinding: undefined, pkcs11Module: undefined });
  });
});
