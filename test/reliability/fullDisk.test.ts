/**
 * A real full file system (a small tmpfs this test mounts, as root) during
 * key generation, import, export and master-key rotation: DISK_FULL, the
 * keystore unchanged, and the same operation succeeding once space is
 * freed. Also a read-only file system, and a keystore folder that goes away
 * under an open session. Skipped, saying why, where mounting is not allowed.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountTmpfs, tmpfsUnavailable, type SmallDisk } from '../helpers/tmpfs.js';
import { caughtCustosError, errorCodeOf } from '../helpers/errorCode.js';
import { runInProcess } from '../helpers/cli.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import type { Keystore } from '../../src-main/core/keystore/keystore.js';
import { exportBundle } from '../../src-main/core/bundle/export.js';
import { importBundle } from '../../src-main/core/bundle/import.js';
import { BundleReader } from '../../src-main/core/bundle/reader.js';
import { readAccessKeysFile } from '../../src-main/core/bundle/accessKeys.js';
import { rotateMasterKey } from '../../src-main/core/keystore/rotation/rotate.js';
import { encodeMasterKey, generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { tempDir } from '../helpers/tmp.js';

const skip = tmpfsUnavailable();
if (skip) console.warn(`full-disk tests skipped: ${skip}`);

const KEYS = 200;
let disk: SmallDisk;
beforeEach(() => {
  if (!skip) disk = mountTmpfs(4096);
});
afterEach(() => {
  if (!skip) disk.unmount();
});

async function vaultOn(dir: string, keys: number, masterKey = generateMasterKey()): Promise<{ path: string; masterKey: Uint8Array; open: () => Promise<Keystore> }> {
  mkdirSync(join(dir, 'vault'), { recursive: true });
  const path = join(dir, 'vault', 'custos.db');
  await createKeystore(path, { masterKey });
  const open = () => openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
  if (keys > 0) {
    const ks = await open();
    ks.generate(Array.from({ length: keys / 2 }, (_, i) => ({ scope: 'client' as const, clientId: `disk-${String(i).padStart(5, '0')}`, purposes: ['storage-sym' as const, 'hmac' as const] })));
    ks.close();
  }
  return { path, masterKey, open };
}

/** What must not change: the keys, the audit log, the key check value; and the file must be sound. */
function state(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const ok = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0]?.integrity_check;
    const keys = (db.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n;
    const audit = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    const kcv = Buffer.from((db.prepare('SELECT key_check FROM keystore').get() as { key_check: Uint8Array }).key_check).toString('hex');
    return JSON.stringify({ ok, keys, audit, kcv });
  } finally {
    db.close();
  }
}

describe.skipIf(skip !== null)('a full disk', () => {
  it('during key generation: DISK_FULL, nothing changed; generates once space is freed', async () => {
    const v = await vaultOn(disk.dir, KEYS);
    const ks = await v.open();
    try {
      const before = state(v.path);
      const request = Array.from({ length: 100 }, (_, i) => ({ scope: 'client' as const, clientId: `late-${String(i).padStart(4, '0')}`, purposes: ['storage-sym' as const, 'hmac' as const] }));
      disk.fill();
      expect(caughtCustosError(() => ks.generate(request)).code).toBe('DISK_FULL');
      disk.free();
      expect(state(v.path)).toBe(before);
      expect(ks.generate(request)).toHaveLength(200);
    } finally {
      ks.close();
    }
  });

  it('during master-key rotation: DISK_FULL, the old key still opens every record; rotates once space is freed', async () => {
    const v = await vaultOn(disk.dir, KEYS);
    const ks = await v.open();
    try {
      const before = state(v.path);
      disk.fill();
      expect(await errorCodeOf(rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map(), drop: [] }))).toBe('DISK_FULL');
      disk.free();
      expect(state(v.path)).toBe(before);
      const done = await rotateMasterKey(ks, { newMasterKey: generateMasterKey(), rewrappers: new Map(), drop: [] });
      expect(done.records).toBe(KEYS);
    } finally {
      ks.close();
    }
  });

  it('during an export to it: DISK_FULL, no file under either name, nothing recorded; exports once space is freed', async () => {
    const v = await vaultOn(tempDir(), KEYS);
    const ks = await v.open();
    try {
      const before = state(v.path);
      const out = { bundlePath: join(disk.dir, 'b.bundle'), accessKeysPath: join(disk.dir, 'b.keys'), selection: { all: true as const }, privateKeys: true };
      disk.fill();
      expect(caughtCustosError(() => exportBundle(ks, out)).code).toBe('DISK_FULL');
      disk.free();
      expect(state(v.path)).toBe(before);
      expect((await import('node:fs')).readdirSync(disk.dir)).toEqual([]);
      expect(exportBundle(ks, out).keys).toBe(KEYS);
    } finally {
      ks.close();
    }
  });

  it('during an import into a keystore on it: DISK_FULL, nothing imported; imports once space is freed', async () => {
    const source = await vaultOn(tempDir(), KEYS);
    const outDir = tempDir();
    const src = await source.open();
    exportBundle(src, { bundlePath: join(outDir, 'b.bundle'), accessKeysPath: join(outDir, 'b.keys'), selection: { all: true }, privateKeys: true });
    src.close();
    const v = await vaultOn(disk.dir, 0, source.masterKey);
    const ks = await v.open();
    try {
      const before = state(v.path);
      const importOnce = () => {
        const reader = new BundleReader(join(outDir, 'b.bundle'));
        try {
          return importBundle(ks, reader, readAccessKeysFile(join(outDir, 'b.keys')));
        } finally {
          reader.close();
        }
      };
      disk.fill();
      expect(caughtCustosError(importOnce).code).toBe('DISK_FULL');
      disk.free();
      expect(state(v.path)).toBe(before);
      expect(importOnce().keys).toBe(KEYS);
    } finally {
      ks.close();
    }
  });

  it('from the start of a command: DISK_FULL from the CLI (not KEYSTORE_IO or INTERNAL), and the command works once space is freed', async () => {
    const v = await vaultOn(disk.dir, KEYS);
    const env = { CUSTOS_MASTER_KEY: encodeMasterKey(v.masterKey).trim(), CUSTOS_KEYSTORE: v.path };
    const before = state(v.path);
    disk.fill();
    const full = await runInProcess(['keys', 'generate', '--client-id', 'cli-full', '--all', '--json'], { env });
    expect(JSON.parse(full.stdout).code).toBe('DISK_FULL');
    disk.free();
    expect(state(v.path)).toBe(before);
    expect((await runInProcess(['keys', 'generate', '--client-id', 'cli-full', '--all'], { env })).code).toBe(0);
  });
});

describe.skipIf(skip !== null)('a read-only file system, a folder that goes away', () => {
  it('a keystore on a read-only file system: KEYSTORE_IO, unchanged; works once writable again', async () => {
    const v = await vaultOn(disk.dir, KEYS);
    const env = { CUSTOS_MASTER_KEY: encodeMasterKey(v.masterKey).trim(), CUSTOS_KEYSTORE: v.path };
    const before = state(v.path);
    disk.readOnly(true);
    const ro = await runInProcess(['keys', 'generate', '--client-id', 'read-only', '--all', '--json'], { env });
    expect(JSON.parse(ro.stdout).code).toBe('KEYSTORE_IO');
    disk.readOnly(false);
    expect(state(v.path)).toBe(before);
    expect((await runInProcess(['keys', 'generate', '--client-id', 'read-only', '--all'], { env })).code).toBe(0);
  });

  it('an export onto a read-only file system: FILE_IO, nothing recorded', async () => {
    const v = await vaultOn(tempDir(), KEYS);
    const env = { CUSTOS_MASTER_KEY: encodeMasterKey(v.masterKey).trim(), CUSTOS_KEYSTORE: v.path };
    const before = state(v.path);
    disk.readOnly(true);
    const ro = await runInProcess(['export', '--all', '--bundle', join(disk.dir, 'b.bundle'), '--access-keys', join(disk.dir, 'b.keys'), '--json'], { env });
    expect(JSON.parse(ro.stdout).code).toBe('FILE_IO');
    expect(state(v.path)).toBe(before);
  });

  it('the keystore folder moved away under an open session: a typed error or a write to the moved file, never INTERNAL; the moved keystore is sound and before or after', async () => {
    const v = await vaultOn(disk.dir, KEYS);
    const ks = await v.open();
    const moved = join(disk.dir, 'elsewhere');
    try {
      renameSync(join(disk.dir, 'vault'), moved);
      let code = 'ok';
      try {
        ks.generate([{ scope: 'client', clientId: 'after-move', purposes: ['hmac'] }]);
      } catch (error) {
        code = (error as { code?: string }).code ?? 'not a CustosError';
      }
      expect(code).not.toBe('INTERNAL');
      expect(code).not.toBe('not a CustosError');
    } finally {
      ks.close();
    }
    const after = JSON.parse(state(join(moved, 'custos.db'))) as { ok: string; keys: number };
    expect(after.ok).toBe('ok');
    expect([KEYS, KEYS + 1]).toContain(after.keys);
  });
});
