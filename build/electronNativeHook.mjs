// electron-builder's beforePack hook (electron-builder.yml): builds the native
// modules for the arch being packaged with build/electron-native.mjs, into
// native/electron/<platform>-<arch>/, which `files` then packs. Packaging does
// not rebuild node_modules itself (npmRebuild: false): that would replace the
// Node builds the CLI and the tests use with Electron ones.
import { buildElectronNative } from './electron-native.mjs';

// builder-util's Arch enum, by number (the hook's context carries the number).
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The platform and arch a packaging run targets, or an error saying why it cannot be built here. */
export function nativeTarget(context) {
  const arch = ARCH_NAMES[context.arch];
  if (arch === undefined || arch === 'universal') throw new Error(`cannot build native modules for arch ${arch ?? context.arch}: build x64 and arm64 separately`);
  const platform = context.electronPlatformName;
  // node-gyp cannot cross-compile to another OS; prebuilds alone would leave pkcs11js unbuilt.
  if (platform !== process.platform) throw new Error(`cannot build native modules for ${platform} on ${process.platform}: package on a ${platform} host`);
  return { platform, arch };
}

export async function beforePack(context) {
  const { arch } = nativeTarget(context);
  await buildElectronNative({ arch });
}

export default beforePack;
