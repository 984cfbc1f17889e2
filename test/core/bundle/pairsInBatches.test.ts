import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { exportBundle } from '../../../src-main/core/bundle/export.js';
import { importBundle, type ImportReport } from '../../../src-main/core/bundle/import.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import type { PortableKey } from '../../../src-main/core/keystore/importer.js';
import { sealRecord } from '../../../src-main/core/keystore/records.js';
import { recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';
import { craftBundle, readPortable } from './craft.js';
import { expectCode, exportFrom, fileState, listAll, type Exported } from './helpers.js';

/**
 * Export and import hand P-256 pairs to core/check/pairProofs.ts, which
 * proves them in batches of 256, in a second thread or this one, while the
 * pass goes on; the verdicts are collected before the bundle is signed or the
 * import commits. A pair whose stored point and fingerprint belong to another
 * key (they agree with each other: only the secret tells them apart) must
 * still be refused at the first, a middle and the last pair, across several
 * batches, with nothing written.
 */
const CLIENTS = 160; // 4 P-256 pairs each: 640 pairs, three batches

let source: TestVault;
let exported: Exported;
let keys: PortableKey[];
let pairNames: string[];
let bundleCopy: { bundle: Buffer; accessKeys: Buffer };

beforeAll(async () => {
  source = await makeVault();
  const ks = await source.open();
  try {
    ks.generate(Array.from({ length: CLIENTS }, (_, i) => ({ scope: 'client' as const, clientId: `pairs-${String(i).padStart(4, '0')}` })));
  } finally {
    ks.close();
  }
  exported = await exportFrom(source);
  keys = readPortable(exported.bundle, exported.accessKeys);
  // Kept in memory: the export's folder is a per-test temporary one.
  bundleCopy = { bundle: readFileSync(exported.bundle), accessKeys: readFileSync(exported.accessKeys) };
  pairNames = keys.filter((k) => k.algorithm === 'p256').map((k) => k.name);
}, 240_000);

const cases = () => (['first', 'middle', 'last'] as const).flatMap((where) => [[where, true], [where, false]] as const);

async function importWith(target: TestVault, bundle: string, accessKeys: string, worker: boolean): Promise<ImportReport> {
  const reader = new BundleReader(bundle);
  const ks = await target.open();
  try {
    return importBundle(ks, reader, readAccessKeysFile(accessKeys), { worker });
  } finally {
    reader.close();
    ks.close();
  }
}

const positions = () => ({ first: pairNames[0]!, middle: pairNames[Math.floor(pairNames.length / 2)]!, last: pairNames.at(-1)! });

describe('P-256 pairs proven in batches', () => {
  it('the machine can run the second thread, and a bundle of hundreds of pairs round-trips', async () => {
    expect(availableParallelism()).toBeGreaterThan(1);
    expect(pairNames.length).toBeGreaterThan(512);
    const dir = tempDir();
    writeFileSync(join(dir, 'k.bundle'), bundleCopy.bundle);
    writeFileSync(join(dir, 'k.access.json'), bundleCopy.accessKeys);
    const target = await makeVault();
    const report = await importWith(target, join(dir, 'k.bundle'), join(dir, 'k.access.json'), true);
    expect(report.versions).toBe(exported.versions);
  }, 240_000);

  // `worker: true` hands batches to the second thread (by default only passes of 4,096 versions do);
  // `worker: false` proves every pair at once in this thread.
  for (const [where, worker] of cases()) {
    it(`import refuses the ${where} pair carrying another key's point and fingerprint, and writes nothing (${worker ? 'second thread' : 'one thread'})`, async () => {
      const name = positions()[where];
      const other = pairNames[pairNames.indexOf(name) === 0 ? 1 : 0]!;
      const donor = keys.find((k) => k.name === other)!.versions[0]!;
      const spoiled = keys.map((k) => (k.name === name ? { ...k, versions: k.versions.map((v) => ({ ...v, publicKey: donor.publicKey, fingerprint: donor.fingerprint })) } : k));
      const crafted = craftBundle(tempDir(), spoiled, { name: `spoiled-${where}` });
      const target = await makeVault();
      const ks = await target.open();
      ks.generate([{ scope: 'client', clientId: 'already-here' }]);
      ks.close();
      const before = fileState(target.path);
      const listed = await listAll(target);
      const error = await expectCode(() => importWith(target, crafted.bundle, crafted.accessKeys, worker), 'BUNDLE_FINGERPRINT');
      expect(error.message).toContain(`'${name}' v1`);
      expect(fileState(target.path)).toEqual(before);
      expect(await listAll(target)).toEqual(listed);
    }, 240_000);
  }

  for (const [where, worker] of cases()) {
    it(`export refuses the ${where} record resealed with another key's point and fingerprint, writing neither file (${worker ? 'second thread' : 'one thread'})`, async () => {
      const vault = await makeVault();
      const ks0 = await vault.open();
      ks0.generate(Array.from({ length: CLIENTS }, (_, i) => ({ scope: 'client' as const, clientId: `pairs-${String(i).padStart(4, '0')}` })));
      ks0.close();
      const name = positions()[where];
      resealWithPairOf(vault, name, pairNames[pairNames.indexOf(name) === 0 ? 1 : 0]!);
      const dir = tempDir();
      const ks = await vault.open();
      try {
        const error = await expectCode(
          () => exportBundle(ks, { bundlePath: join(dir, 'k.bundle'), accessKeysPath: join(dir, 'k.access.json'), selection: { all: true }, privateKeys: true, worker }),
          'KEY_RECORD_TAMPERED',
        );
        expect(error.message).toContain(`'${name}' v1`);
      } finally {
        ks.close();
      }
      expect(existsSync(join(dir, 'k.bundle')) || existsSync(join(dir, 'k.access.json'))).toBe(false);
    }, 240_000);
  }
});

describe('P-256 pairs whose verdicts come in at the end of the pass', () => {
  // Fewer pairs than one batch, with the second thread asked for: the batch is handed over only when the
  // pass ends, so only the final collection of verdicts can refuse it (a check between chunks sees nothing).
  it('import refuses a spoiled pair of a batch the second thread answers last', async () => {
    const few = keys.filter((k) => /^pairs-00(0\d|1[0-9])_/.test(k.name));
    const fewPairs = few.filter((k) => k.algorithm === 'p256');
    expect(fewPairs.length).toBeLessThan(256);
    const name = fewPairs.at(-1)!.name;
    const donor = fewPairs[0]!.versions[0]!;
    const spoiled = few.map((k) => (k.name === name ? { ...k, versions: k.versions.map((v) => ({ ...v, publicKey: donor.publicKey, fingerprint: donor.fingerprint })) } : k));
    const crafted = craftBundle(tempDir(), spoiled, { name: 'few' });
    const target = await makeVault();
    const before = fileState(target.path);
    const error = await expectCode(() => importWith(target, crafted.bundle, crafted.accessKeys, true), 'BUNDLE_FINGERPRINT');
    expect(error.message).toContain(`'${name}' v1`);
    expect(fileState(target.path)).toEqual(before);
  }, 240_000);

  it('export refuses a record of a batch the second thread answers last, writing neither file', async () => {
    const vault = await makeVault();
    const ks0 = await vault.open();
    ks0.generate(Array.from({ length: 10 }, (_, i) => ({ scope: 'client' as const, clientId: `few-${i}` })));
    ks0.close();
    resealWithPairOf(vault, 'few-9_storage', 'few-0_storage');
    const dir = tempDir();
    const ks = await vault.open();
    try {
      const error = await expectCode(
        () => exportBundle(ks, { bundlePath: join(dir, 'k.bundle'), accessKeysPath: join(dir, 'k.access.json'), selection: { all: true }, privateKeys: true, worker: true }),
        'KEY_RECORD_TAMPERED',
      );
      expect(error.message).toContain("'few-9_storage' v1");
    } finally {
      ks.close();
    }
    expect(existsSync(join(dir, 'k.bundle')) || existsSync(join(dir, 'k.access.json'))).toBe(false);
  }, 240_000);
});

/** As test/core/bundle/exportPairs.test.ts: the record opens, with another key's point and fingerprint bound to a secret that is neither's. */
function resealWithPairOf(v: TestVault, name: string, other: string): void {
  const db = new Database(v.path);
  const keystoreId = (db.prepare('SELECT keystore_id FROM keystore').get() as { keystore_id: Uint8Array }).keystore_id;
  const row = (n: string) => db.prepare('SELECT k.id, k.purpose, k.algorithm, v.public_key, v.fingerprint FROM keys k JOIN key_versions v ON v.key_id = k.id WHERE k.name = ?').get(n) as { id: number; purpose: 'storage'; algorithm: 'p256'; public_key: Uint8Array; fingerprint: string };
  const target = row(name);
  const source = row(other);
  const secret = new Uint8Array(32).fill(0x11);
  const sealed = sealRecord(recordWrapKey(v.masterKey, keystoreId), secret, { keystoreId, name, purpose: target.purpose, algorithm: target.algorithm, version: 1, publicKey: source.public_key });
  db.prepare('UPDATE key_versions SET public_key = ?, fingerprint = ?, sealed = ? WHERE key_id = ?').run(source.public_key, source.fingerprint, sealed, target.id);
  db.close();
}
