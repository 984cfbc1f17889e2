import { CustosError } from '../../shared/errors.js';

/**
 * A native addon (better-sqlite3, pkcs11js) is built for one ABI: Node's for
 * the CLI and the tests, Electron's for the app. Loading the wrong build, or
 * none, fails deep inside Node with a stack trace; this names the module and
 * the command that fixes it instead. Null when `error` is not a load failure.
 */
export function nativeLoadError(module: 'better-sqlite3' | 'pkcs11js', error: unknown): CustosError | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  const text = error.message;
  const abi = /NODE_MODULE_VERSION (\d+)[^]*?NODE_MODULE_VERSION (\d+)/.exec(text);
  const loadFailed = code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND' || abi !== null || /invalid ELF header|wrong ELF class|not a valid Win32 application|slice is not valid mach-o|mach-o file|Could not locate the bindings file|cannot open shared object file/i.test(text);
  if (!loadFailed) return null;
  const inElectron = typeof process.versions['electron'] === 'string';
  // Both addons come from one command in the app (build/electron-native.mjs, @electron/rebuild into
  // native/electron/<platform>-<arch>/), never from rebuilding node_modules, whose builds serve Node.
  const fix = inElectron
    ? `run \`npm run build:electron-native\` (it builds better-sqlite3 and pkcs11js for Electron ${process.versions['electron']} into native/electron/), then start the app again`
    : `run \`npm rebuild ${module}\` with this Node (${process.version})`;
  const why = abi ? `it was built for another runtime (NODE_MODULE_VERSION ${abi[1]}; this one needs ${abi[2]})` : 'its compiled library is missing or cannot be loaded';
  return new CustosError('NATIVE_MODULE_UNAVAILABLE', `the native module ${module} could not be loaded: ${why}. To fix it, ${fix}.`, { cause: error });
}
