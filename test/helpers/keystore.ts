import { join } from 'node:path';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import type { Keystore } from '../../src-main/core/keystore/keystore.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { newArgon2idParams, MIN_MEMORY_KIB } from '../../src-main/core/crypto/kdf.js';
import { tempDir } from './tmp.js';

/** The cheapest argon2id the core accepts: tests check behaviour, not KDF cost. */
export const FAST_KDF = () => newArgon2idParams(MIN_MEMORY_KIB, 1);

export interface TestVault {
  dir: string;
  path: string;
  masterKey: Uint8Array;
  open(): Promise<Keystore>;
}

/** A real keystore file in a fresh temporary folder, unlocked by a random master key. */
export async function makeVault(options: { passphrase?: string } = {}): Promise<TestVault> {
  const dir = tempDir();
  const path = join(dir, 'vault', 'custos.db');
  const masterKey = generateMasterKey();
  await createKeystore(path, {
    masterKey,
    passphrase: options.passphrase ? { text: options.passphrase, params: FAST_KDF() } : undefined,
  });
  return { dir, path, masterKey, open: () => openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }) };
}
