import { createHash, hkdfSync } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm, KeyPurpose } from '../../../shared/keys.js';
import { encodeAccessKeys, readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { signingPairFromSeed } from '../../../src-main/core/bundle/crypto.js';
import { sourceVaultField } from '../../../src-main/core/bundle/header.js';
import { inspectBundle } from '../../../src-main/core/bundle/inspect.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { openTagKeyFromBundle, sealTagKeyForBundle } from '../../../src-main/core/bundle/tagKeyTransport.js';
import type { PortableCeremony, VaultExtras } from '../../../src-main/core/bundle/vaultRecords.js';
import { BundleWriter, accessKeysOf, type ExportSecrets } from '../../../src-main/core/bundle/writer.js';
import type { PortableKey } from '../../../src-main/core/keystore/importer.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { chunkSpans } from './craft.js';

/**
 * test/vectors/bundle-v2.*: the keys of the v1 vector, then the vault record,
 * two ceremonies (a current scheme-2 one, and a superseded scheme-1 one with
 * its tag key) and a small audit history; 1 KiB chunks cut through the
 * records. Regenerate after an intended change with
 * UPDATE_BUNDLE_VECTORS=1 npx vitest run test/core/bundle/vectorV2.test.ts
 */
const DIR = join(REPO_ROOT, 'test', 'vectors');
const FILES = { v1: join(DIR, 'bundle-v1.json'), inputs: join(DIR, 'bundle-v2.json'), bundle: join(DIR, 'bundle-v2.bundle'), accessKeys: join(DIR, 'bundle-v2.access-keys.json') };

type HexCeremony = Omit<PortableCeremony['record'], 'tagSalt' | 'shares'> & { tagSalt: string | null; shares: Array<{ groupIndex: number; memberIndex: number; custodian: string | null; tag: string }> };
interface Vector {
  description: string;
  inputs: { bundleId: string; encryptionKey: string; signingSeed: string; createdAt: string; chunkBytes: number; privateKeys: boolean };
  vault: { vaultFingerprint: string; vaultName: string | null };
  ceremonies: Array<{ record: HexCeremony; supersededAt: string | null; supersededTagKey: string | null }>;
  auditHistory: string;
  /** The master key the superseded tag key is sealed under (bundle/tagKeyTransport.ts), and the tag key inside. */
  tagKeyTransport: { masterKey: string; tagKey: string };
  expected: { pairFingerprint?: string; bundleBytes?: number; chunks?: number; bundleSha256?: string };
}

const hex = (s: string | null) => (s === null ? null : new Uint8Array(Buffer.from(s, 'hex')));
const v1Keys = (JSON.parse(readFileSync(FILES.v1, 'utf8')) as { keys: Array<PortableKey & { versions: Array<{ publicKey: string | null; secret: string | null }> }> }).keys;
const keys: PortableKey[] = v1Keys.map((k) => ({
  ...k,
  purpose: k.purpose as KeyPurpose,
  algorithm: k.algorithm as KeyAlgorithm,
  versions: k.versions.map((v) => ({ ...v, publicKey: hex(v.publicKey as unknown as string | null), secret: hex(v.secret as unknown as string | null) })),
}));

function fixedVector(): Vector {
  const tag = (n: number) => createHash('sha256').update(`vector share ${n}`).digest('hex');
  const shares = (count: number, offset: number) => Array.from({ length: count }, (_, i) => ({ groupIndex: 0, memberIndex: i, custodian: i === 0 ? 'Ana Lima' : null, tag: tag(offset + i) }));
  const transport = { masterKey: '11'.repeat(32), tagKey: 'ab'.repeat(32) };
  const sealed = Buffer.from(sealTagKeyForBundle(hex(transport.masterKey)!, '0635-d5ae-9f01-77c2', 654, hex(transport.tagKey)!)).toString('hex');
  const common = { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 1, extendable: true, passphraseUsed: false, masterKeyCheck: 'cd9a-dec0-f722-b5d8' };
  return {
    description: 'Custos backup bundle format v2 test vector: the seven keys of bundle-v1.json, then the vault record, two ceremony records and a small audit history. Every input is fixed; see docs/formats/bundle.md.',
    inputs: { bundleId: '6a1f0c4e2b7d49a8b3c5d7e9f1a2b3c4', encryptionKey: '5f'.repeat(32), signingSeed: '1c'.repeat(32), createdAt: '2026-11-27T10:00:00.000Z', chunkBytes: 1024, privateKeys: true },
    vault: { vaultFingerprint: '6447-4354-f04a-0861', vaultName: 'Payments prod' },
    ceremonies: [
      { record: { id: '0635-d5ae-9f01-77c2', createdAt: '2025-06-01T09:00:00.000Z', identifier: 654, ...common, vaultFingerprint: '80aa-b4fd-1c2e-3d4f', tagScheme: 1, tagSalt: '40f60a439503147862c26e5fe7439266', shares: shares(3, 0) }, supersededAt: '2026-01-02T08:00:00.000Z', supersededTagKey: sealed },
      { record: { id: '20976', createdAt: '2026-02-01T09:00:00.000Z', identifier: 20976, ...common, passphraseUsed: true, vaultFingerprint: '6447-4354-f04a-0861', tagScheme: 2, tagSalt: null, shares: shares(3, 3) }, supersededAt: null, supersededTagKey: null },
    ],
    auditHistory: JSON.stringify({ type: 'opaque to the bundle', filler: 'x'.repeat(1500), note: 'ünïcödé' }),
    tagKeyTransport: transport,
    expected: {},
  };
}

function ceremoniesOf(v: Vector): PortableCeremony[] {
  return v.ceremonies.map((c) => ({
    record: { ...c.record, tagSalt: hex(c.record.tagSalt), shares: c.record.shares.map((s) => ({ ...s, tag: hex(s.tag) ?? new Uint8Array(0) })) },
    supersededAt: c.supersededAt,
    supersededTagKey: hex(c.supersededTagKey),
  }));
}

function build(v: Vector): { bundle: Buffer; accessKeys: string; chunks: number } {
  const i = v.inputs;
  const secrets: ExportSecrets = { bundleId: hex(i.bundleId)!, encryptionKey: hex(i.encryptionKey)!, signing: signingPairFromSeed(hex(i.signingSeed)!), createdAt: new Date(i.createdAt) };
  const parts: Buffer[] = [];
  const writer = new BundleWriter((b) => parts.push(Buffer.from(b)), secrets, {
    privateKeys: i.privateKeys,
    keyCount: keys.length,
    versionCount: keys.reduce((n, k) => n + k.versions.length, 0),
    sourceFingerprint: sourceVaultField(v.vault.vaultFingerprint),
    chunkBytes: i.chunkBytes,
  });
  for (const key of keys) writer.add(key);
  writer.addVaultIdentity(v.vault);
  for (const c of ceremoniesOf(v)) writer.addCeremony(c);
  writer.addAuditHistory(v.auditHistory);
  const { chunks } = writer.finish();
  return { bundle: Buffer.concat(parts), accessKeys: encodeAccessKeys(accessKeysOf(secrets)), chunks };
}

if (process.env['UPDATE_BUNDLE_VECTORS'] === '1') {
  const v = fixedVector();
  const built = build(v);
  writeFileSync(FILES.bundle, built.bundle);
  writeFileSync(FILES.accessKeys, built.accessKeys);
  v.expected = { pairFingerprint: inspectBundle(FILES.bundle).header.pairFingerprint, bundleBytes: built.bundle.length, chunks: built.chunks, bundleSha256: createHash('sha256').update(built.bundle).digest('hex') };
  writeFileSync(FILES.inputs, `${JSON.stringify(v, null, 2)}\n`);
}

const vector = JSON.parse(readFileSync(FILES.inputs, 'utf8')) as Vector;

function readStored(): { keys: PortableKey[]; extras: VaultExtras } {
  const reader = new BundleReader(FILES.bundle);
  const read: PortableKey[] = [];
  try {
    const { extras } = reader.readKeys(readAccessKeysFile(FILES.accessKeys), (key) => {
      read.push({ ...key, versions: key.versions.map((v) => ({ ...v, secret: v.secret && new Uint8Array(v.secret) })) });
    });
    return { keys: read, extras };
  } finally {
    reader.close();
  }
}

describe('bundle format v2 test vector', () => {
  it('the stored files are what the fixed inputs produce, byte for byte', () => {
    const built = build(vector);
    const stored = readFileSync(FILES.bundle);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(vector.expected.bundleSha256);
    expect(built.bundle.equals(stored)).toBe(true);
    expect(built.accessKeys).toBe(readFileSync(FILES.accessKeys, 'utf8'));
    expect(chunkSpans(stored).length).toBe(vector.expected.chunks);
  });

  it('its header names the source vault (8 bytes, then 8 zero bytes), not a keystore', () => {
    const { header } = inspectBundle(FILES.bundle);
    expect(header).toMatchObject({ formatVersion: 2, vault: vector.vault.vaultFingerprint, sourceKeystore: null, keys: 7, pairFingerprint: vector.expected.pairFingerprint, bytes: vector.expected.bundleBytes });
    expect(readFileSync(FILES.bundle).subarray(52, 68).toString('hex')).toBe(`${vector.vault.vaultFingerprint.replaceAll('-', '')}${'00'.repeat(8)}`);
  });

  it('decodes to the keys of the v1 vector, then the vault record, the ceremonies and the audit history', () => {
    const { keys: read, extras } = readStored();
    expect(read).toEqual(keys);
    expect(extras.vault).toEqual(vector.vault);
    expect(extras.ceremonies).toEqual(ceremoniesOf(vector));
    expect(extras.auditHistory).toBe(vector.auditHistory);
    const inspected = inspectBundle(FILES.bundle, readAccessKeysFile(FILES.accessKeys));
    expect(inspected.vault).toEqual({ fingerprint: vector.vault.vaultFingerprint, name: 'Payments prod', auditHistory: true, ceremonies: vector.ceremonies.map((c) => ({ id: c.record.id, createdAt: c.record.createdAt, supersededAt: c.supersededAt })) });
  });

  it("the superseded tag key opens only under the exporting master key, and only for its own ceremony", () => {
    const { extras } = readStored();
    const superseded = extras.ceremonies.find((c) => c.supersededAt !== null);
    const sealed = superseded?.supersededTagKey;
    expect(sealed).toHaveLength(73);
    const masterKey = hex(vector.tagKeyTransport.masterKey)!;
    const opened = openTagKeyFromBundle(masterKey, '0635-d5ae-9f01-77c2', 654, sealed!);
    expect(opened && Buffer.from(opened).toString('hex')).toBe(vector.tagKeyTransport.tagKey);
    expect(openTagKeyFromBundle(new Uint8Array(32).fill(0x12), '0635-d5ae-9f01-77c2', 654, sealed!)).toBeNull();
    expect(openTagKeyFromBundle(masterKey, '20976', 654, sealed!)).toBeNull();
    expect(openTagKeyFromBundle(masterKey, '0635-d5ae-9f01-77c2', 655, sealed!)).toBeNull();
    // The documented recipe, recomputed without the code under test: HKDF (node:crypto), F[...] by hand, the AEAD box (0x01 | nonce | ciphertext+tag).
    const key = new Uint8Array(hkdfSync('sha256', masterKey, new Uint8Array(0), 'custos/v2/bundle-superseded-tag-key', 32));
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
    const u32 = Buffer.alloc(4);
    u32.writeUInt32BE(654);
    const aad = Buffer.concat([field(Buffer.from('custos/bundle/superseded-tag-key/v1')), field(Buffer.from('0635-d5ae-9f01-77c2')), field(u32)]);
    expect(sealed![0]).toBe(1);
    const plain = xchacha20poly1305(key, sealed!.subarray(1, 25), aad).decrypt(sealed!.subarray(25));
    expect(Buffer.from(plain).toString('hex')).toBe(vector.tagKeyTransport.tagKey);
  });
});
