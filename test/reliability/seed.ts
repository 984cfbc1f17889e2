import { encodeMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import type { TestVault } from '../helpers/keystore.js';

/** Adds `count` keys (two per client id: storage-sym and hmac) in one transaction, through the core: fast enough for 10,000. */
export async function seedKeys(v: TestVault, count: number, prefix = 'seed'): Promise<void> {
  const ks = await v.open();
  try {
    const ids = Array.from({ length: Math.ceil(count / 2) }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
    ks.generate(ids.map((clientId) => ({ scope: 'client' as const, clientId, purposes: ['storage-sym' as const, 'hmac' as const] })));
  } finally {
    ks.close();
  }
}

/** The environment that opens `v` from the bin: its master key and path. */
export function vaultEnv(v: TestVault): { CUSTOS_MASTER_KEY: string; CUSTOS_KEYSTORE: string } {
  return { CUSTOS_MASTER_KEY: encodeMasterKey(v.masterKey).trim(), CUSTOS_KEYSTORE: v.path };
}
