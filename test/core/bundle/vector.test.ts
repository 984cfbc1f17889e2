import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm, KeyPurpose, KeyState } from '../../../shared/keys.js';
import { encodeAccessKeys, parseAccessKeys } from '../../../src-main/core/bundle/accessKeys.js';
import { formatFingerprint, signingPairFromSeed, sourceKeystoreFingerprint } from '../../../src-main/core/bundle/crypto.js';
import { inspectBundle } from '../../../src-main/core/bundle/inspect.js';
import { BundleWriter, accessKeysOf, type ExportSecrets } from '../../../src-main/core/bundle/writer.js';
import type { PortableKey } from '../../../src-main/core/keystore/importer.js';
import { makeVault } from '../../helpers/keystore.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { chunkSpans, readPortable } from './craft.js';
import { importInto, listAll } from './helpers.js';

/**
 * test/vectors/bundle-v1.*: fixed inputs (bundle-v1.json) and the bundle and
 * access keys they must produce. A change to the format, the crypto or the
 * record encoding changes these bytes and fails here. After an intended
 * format change (with a new format version), regenerate with
 * UPDATE_BUNDLE_VECTORS=1 npx vitest run test/core/bundle/vector.test.ts
 */
const DIR = join(REPO_ROOT, 'test', 'vectors');
const FILES = { inputs: join(DIR, 'bundle-v1.json'), bundle: join(DIR, 'bundle-v1.bundle'), accessKeys: join(DIR, 'bundle-v1.access-keys.json') };

interface VectorVersion {
  version: number;
  state: KeyState;
  publicKey: string | null;
  secret: string | null;
  fingerprint: string;
  createdAt: string;
  changedAt: string;
}
interface VectorKey extends Omit<PortableKey, 'versions'> {
  versions: VectorVersion[];
}
interface Vector {
  description: string;
  inputs: { bundleId: string; encryptionKey: string; signingSeed: string; createdAt: string; sourceKeystoreId: string; chunkBytes: number; privateKeys: boolean };
  keys: VectorKey[];
  expected: { pairFingerprint?: string; sourceKeystore?: string; verifyKey?: string; bundleBytes?: number; chunks?: number; bundleSha256?: string };
}

const hex = (s: string | null) => (s === null ? null : new Uint8Array(Buffer.from(s, 'hex')));
const vector = JSON.parse(readFileSync(FILES.inputs, 'utf8')) as Vector;

function portable(k: VectorKey): PortableKey {
  return { ...k, purpose: k.purpose as KeyPurpose, algorithm: k.algorithm as KeyAlgorithm, versions: k.versions.map((v) => ({ ...v, publicKey: hex(v.publicKey), secret: hex(v.secret) })) };
}

function build(): { bundle: Buffer; accessKeys: string; chunks: number } {
  const i = vector.inputs;
  const secrets: ExportSecrets = { bundleId: hex(i.bundleId)!, encryptionKey: hex(i.encryptionKey)!, signing: signingPairFromSeed(hex(i.signingSeed)!), createdAt: new Date(i.createdAt) };
  const parts: Buffer[] = [];
  const keys = vector.keys.map(portable);
  const writer = new BundleWriter((b) => parts.push(Buffer.from(b)), secrets, {
    privateKeys: i.privateKeys,
    keyCount: keys.length,
    versionCount: keys.reduce((n, k) => n + k.versions.length, 0),
    sourceFingerprint: sourceKeystoreFingerprint(hex(i.sourceKeystoreId)!),
    chunkBytes: i.chunkBytes,
    formatVersion: 1,
  });
  for (const key of keys) writer.add(key);
  const { chunks } = writer.finish();
  return { bundle: Buffer.concat(parts), accessKeys: encodeAccessKeys(accessKeysOf(secrets)), chunks };
}

if (process.env['UPDATE_BUNDLE_VECTORS'] === '1') {
  const built = build();
  writeFileSync(FILES.bundle, built.bundle);
  writeFileSync(FILES.accessKeys, built.accessKeys);
  const keys = parseAccessKeys(built.accessKeys);
  vector.expected = {
    pairFingerprint: inspectBundle(FILES.bundle).header.pairFingerprint,
    sourceKeystore: formatFingerprint(sourceKeystoreFingerprint(hex(vector.inputs.sourceKeystoreId)!)),
    verifyKey: Buffer.from(keys.verifyKey).toString('base64'),
    bundleBytes: built.bundle.length,
    chunks: built.chunks,
    bundleSha256: createHash('sha256').update(built.bundle).digest('hex'),
  };
  writeFileSync(FILES.inputs, `${JSON.stringify(vector, null, 2)}\n`);
}

describe('bundle format v1 test vector', () => {
  const stored = readFileSync(FILES.bundle);

  it('the stored files are what the fixed inputs produce, byte for byte', () => {
    const built = build();
    expect(createHash('sha256').update(stored).digest('hex')).toBe(vector.expected.bundleSha256);
    expect(built.bundle.equals(stored)).toBe(true);
    expect(built.accessKeys).toBe(readFileSync(FILES.accessKeys, 'utf8'));
    expect(built.chunks).toBe(vector.expected.chunks);
    expect(chunkSpans(stored).length).toBe(vector.expected.chunks);
    expect(vector.expected.chunks).toBeGreaterThan(1);
  });

  it('its header reads back as the inputs say', () => {
    const { header, verified } = inspectBundle(FILES.bundle);
    expect(verified).toBe(false);
    expect(header).toMatchObject({
      formatVersion: 1,
      bundleId: vector.inputs.bundleId,
      createdAt: vector.inputs.createdAt,
      privateKeys: true,
      keys: vector.keys.length,
      versions: vector.keys.reduce((n, k) => n + k.versions.length, 0),
      pairFingerprint: vector.expected.pairFingerprint,
      sourceKeystore: vector.expected.sourceKeystore,
      bytes: vector.expected.bundleBytes,
    });
    const keys = parseAccessKeys(readFileSync(FILES.accessKeys, 'utf8'));
    expect(Buffer.from(keys.verifyKey).toString('base64')).toBe(vector.expected.verifyKey);
    expect(Buffer.from(keys.encryptionKey).toString('hex')).toBe(vector.inputs.encryptionKey);
  });

  it('decodes, with its access keys, to exactly the keys of the inputs, secrets included', () => {
    const decoded = readPortable(FILES.bundle, FILES.accessKeys);
    expect(decoded).toEqual(vector.keys.map(portable));
  });

  it('imports into a keystore with the states, versions, fingerprints and times of the inputs', async () => {
    const target = await makeVault();
    const report = await importInto(target, FILES.bundle, FILES.accessKeys);
    expect(report).toMatchObject({ keys: 7, versions: 9, publicOnlyVersions: 1 });
    const listed = await listAll(target);
    const expected = vector.keys
      .flatMap((k) => k.versions.map((v) => ({ k, v })))
      .map(({ k, v }) => ({
        name: k.name,
        clientId: k.clientId,
        zoneId: k.zoneId,
        purpose: k.purpose,
        algorithm: k.algorithm,
        version: v.version,
        state: v.state,
        fingerprint: v.fingerprint,
        createdAt: v.createdAt,
        ...(v.secret === null && v.state !== 'destroyed' ? { publicOnly: true } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
    expect(listed).toEqual(expected);
  });
});
