/**
 * Run as a child process by files.test.ts: exports a keystore and kills
 * itself with SIGKILL in the middle, after chunks have been written, as a
 * power cut or OOM kill would.
 * Arguments: keystore path, master key (hex), bundle path, access-keys path.
 */
import { exportBundle } from '../../../src-main/core/bundle/export.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';

const [path, key, bundlePath, accessKeysPath] = process.argv.slice(2);
const ks = await openKeystore(path ?? '', { kind: 'master-key', masterKey: new Uint8Array(Buffer.from(key ?? '', 'hex')) });
exportBundle(ks, {
  bundlePath: bundlePath ?? '',
  accessKeysPath: accessKeysPath ?? '',
  selection: { all: true },
  privateKeys: true,
  chunkBytes: 1024,
  onProgress: (done) => {
    if (done >= 512) process.kill(process.pid, 'SIGKILL');
  },
});
