import { join } from 'node:path';
import { exportBundle } from '../../../src-main/core/bundle/export.js';
import { importBundle, type ImportReport } from '../../../src-main/core/bundle/import.js';
import { readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';

/** Any keystore file with its master key (not only one made by makeVault). */
export interface TestVaultLike {
  path: string;
  masterKey: Uint8Array;
  dir: string;
}

export async function exportFrom(vault: TestVaultLike, privateKeys = true): Promise<{ bundle: string; accessKeys: string }> {
  const ks = await openKeystore(vault.path, { kind: 'master-key', masterKey: new Uint8Array(vault.masterKey) });
  try {
    const bundle = join(vault.dir, `export-${Date.now()}-${Math.random().toString(16).slice(2)}.bundle`);
    const accessKeys = `${bundle}.access.json`;
    exportBundle(ks, { bundlePath: bundle, accessKeysPath: accessKeys, selection: { all: true }, privateKeys });
    return { bundle, accessKeys };
  } finally {
    ks.close();
  }
}

export async function importInto(vault: TestVaultLike, bundle: string, accessKeys: string): Promise<ImportReport> {
  const ks = await openKeystore(vault.path, { kind: 'master-key', masterKey: new Uint8Array(vault.masterKey) });
  const reader = new BundleReader(bundle);
  try {
    return importBundle(ks, reader, readAccessKeysFile(accessKeys), { onConflict: 'skip' });
  } finally {
    reader.close();
    ks.close();
  }
}
