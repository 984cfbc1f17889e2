/**
 * A native addon that cannot load (built for another runtime, or missing)
 * is NATIVE_MODULE_UNAVAILABLE naming the module and the command that fixes
 * it, in the core and through the app's worker alike: never INTERNAL.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CustosError } from '../../shared/errors.js';
import { newDatabase, useNativeBinding } from '../../src-main/core/keystore/sqlite.js';
import { nativeLoadError } from '../../src-main/core/nativeModules.js';
import { startCore } from '../../src-main/ipc/worker/coreClient.js';
import { tempDir } from '../helpers/tmp.js';
import { WORKER_URL } from '../ipc/harness.js';

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof CustosError) return { code: error.code, message: error.message };
    return { code: 'untyped', message: String(error) };
  }
  return { code: 'no error', message: '' };
}

describe('native modules that cannot load', () => {
  afterEach(() => useNativeBinding(undefined));

  it('better-sqlite3 pointed at a file that is no library: NATIVE_MODULE_UNAVAILABLE with the rebuild command', () => {
    const fake = join(tempDir(), 'better_sqlite3.node');
    writeFileSync(fake, 'not an ELF library');
    useNativeBinding(fake);
    const failure = codeOf(() => newDatabase(':memory:'));
    expect(failure.code).toBe('NATIVE_MODULE_UNAVAILABLE');
    expect(failure.message).toContain('better-sqlite3');
    expect(failure.message).toContain('npm rebuild better-sqlite3');
    useNativeBinding(undefined);
    expect(codeOf(() => newDatabase(':memory:').close()).code).toBe('no error');
  });

  it("Node's ABI message (a build for Electron loaded in Node) names both versions", () => {
    const abi = Object.assign(new Error("The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 140. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling"), { code: 'ERR_DLOPEN_FAILED' });
    const mapped = nativeLoadError('pkcs11js', abi);
    expect(mapped?.code).toBe('NATIVE_MODULE_UNAVAILABLE');
    expect(mapped?.message).toContain('NODE_MODULE_VERSION 140; this one needs 115');
    expect(mapped?.message).toContain('npm rebuild pkcs11js');
    // Errors that are not load failures pass through untouched.
    expect(nativeLoadError('better-sqlite3', Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }))).toBeNull();
  });

  it("the app's worker with a wrong Electron build of better-sqlite3 answers NATIVE_MODULE_UNAVAILABLE, not INTERNAL", async () => {
    const dir = tempDir();
    const fake = join(dir, 'better_sqlite3.node');
    writeFileSync(fake, 'not an ELF library');
    writeFileSync(join(dir, 'vault.custos.db'), 'anything');
    const core = startCore({ workerUrl: WORKER_URL, nativeBinding: fake });
    try {
      const failure = await core.call('unlockMethods', { path: join(dir, 'vault.custos.db') }).then(
        () => ({ code: 'no error' }),
        (error: unknown) => ({ code: error instanceof CustosError ? error.code : `untyped ${String(error)}` }),
      );
      expect(failure.code).toBe('NATIVE_MODULE_UNAVAILABLE');
    } finally {
      await core.close();
    }
  });
});
