import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CustosError, type ErrorCode } from '../../../shared/errors.js';
import type { KeyInfo } from '../../../shared/keys.js';
import { readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { exportBundle, type ExportOptions, type ExportReport } from '../../../src-main/core/bundle/export.js';
import { importBundle, type ConflictPolicy, type ImportReport } from '../../../src-main/core/bundle/import.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import type { Keystore } from '../../../src-main/core/keystore/keystore.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { sha256File, tempDir } from '../../helpers/tmp.js';

export const CLIENT = 'alpha-svc';
export const OTHER_CLIENT = 'beta-svc';

/**
 * A source keystore with every state a bundle must carry: two clients' full
 * catalogues, the global keys, a zone, a key rotated twice with its first
 * version destroyed, and a disabled key.
 */
export async function sourceVault(): Promise<TestVault> {
  const vault = await makeVault();
  const ks = await vault.open();
  try {
    ks.generate([{ scope: 'client', clientId: CLIENT }, { scope: 'client', clientId: OTHER_CLIENT }, { scope: 'global' }, { scope: 'zone', zoneId: 'zone-0001' }]);
    ks.rotate(`${CLIENT}_storage`);
    ks.rotate(`${CLIENT}_storage`);
    ks.destroy(`${CLIENT}_storage`, 1);
    ks.rotate(`${CLIENT}_hmac`);
    ks.disable('auth_key');
  } finally {
    ks.close();
  }
  return vault;
}

export interface Exported extends ExportReport {
  dir: string;
}

/** Exports from a vault into a fresh folder (`keys.bundle`, `keys.access.json`). */
export async function exportFrom(vault: TestVault, options: Partial<ExportOptions> = {}): Promise<Exported> {
  const dir = tempDir('custos-bundle-');
  const ks = await vault.open();
  try {
    const report = exportBundle(ks, {
      bundlePath: join(dir, 'keys.bundle'),
      accessKeysPath: join(dir, 'keys.access.json'),
      selection: { all: true },
      privateKeys: true,
      ...options,
    });
    return { ...report, dir };
  } finally {
    ks.close();
  }
}

export async function importInto(vault: TestVault, bundle: string, accessKeys: string, onConflict?: ConflictPolicy): Promise<ImportReport> {
  const keys = readAccessKeysFile(accessKeys);
  const reader = new BundleReader(bundle);
  const ks = await vault.open();
  try {
    return importBundle(ks, reader, keys, { onConflict });
  } finally {
    reader.close();
    ks.close();
  }
}

export async function listAll(vault: TestVault): Promise<KeyInfo[]> {
  const ks = await vault.open();
  try {
    return ks.list({ allVersions: true });
  } finally {
    ks.close();
  }
}

export async function withOpen<T>(vault: TestVault, fn: (ks: Keystore) => T): Promise<T> {
  const ks = await vault.open();
  try {
    return fn(ks);
  } finally {
    ks.close();
  }
}

/** Runs `fn`, which must throw a CustosError with one of `codes`; returns the error. */
export async function expectCode(fn: () => unknown, ...codes: ErrorCode[]): Promise<CustosError> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof CustosError)) throw new Error(`expected a CustosError (${codes.join('|')}), got ${String(error)}`, { cause: error });
    expect(codes, error.message).toContain(error.code);
    return error;
  }
  throw new Error(`expected ${codes.join('|')}, but nothing was thrown`);
}

/** The target's bytes, and that no WAL or temp file is left beside it. */
export function fileState(path: string): { sha: string; wal: boolean } {
  return { sha: sha256File(path), wal: existsSync(`${path}-wal`) && readFileSync(`${path}-wal`).length > 0 };
}
