import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAccessKeys, readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { newSigningPair } from '../../../src-main/core/bundle/crypto.js';
import { HEADER_BYTES } from '../../../src-main/core/bundle/header.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { FRAME_HEADER_BYTES } from '../../../src-main/core/bundle/stream.js';
import { accessKeysOf, BundleWriter, newExportSecrets, type ExportSecrets } from '../../../src-main/core/bundle/writer.js';
import type { PortableKey } from '../../../src-main/core/keystore/importer.js';

/** Byte ranges of each chunk frame (flag, length, ciphertext) in a bundle. */
export function chunkSpans(bytes: Uint8Array): Array<{ start: number; end: number }> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans: Array<{ start: number; end: number }> = [];
  for (let pos = HEADER_BYTES; pos + FRAME_HEADER_BYTES <= view.length; ) {
    const end = pos + FRAME_HEADER_BYTES + view.readUInt32BE(pos + 1);
    spans.push({ start: pos, end });
    if (view[pos] === 1) break;
    pos = end;
  }
  return spans;
}

export function swapChunks(bytes: Uint8Array, a: number, b: number): Uint8Array {
  const spans = chunkSpans(bytes);
  const [first, second] = [spans[Math.min(a, b)], spans[Math.max(a, b)]];
  if (!first || !second || first === second) throw new RangeError('no such chunks');
  const part = (s: { start: number; end: number }) => bytes.subarray(s.start, s.end);
  return Buffer.concat([bytes.subarray(0, first.start), part(second), bytes.subarray(first.end, second.start), part(first), bytes.subarray(second.end)]);
}

/**
 * Writes a bundle from keys given directly, signed with `secrets` (fresh ones
 * by default): what an attacker who holds the access keys, or a buggy
 * exporter, could produce. Returns the two paths.
 */
export function craftBundle(dir: string, keys: PortableKey[], options: { secrets?: ExportSecrets; privateKeys?: boolean; chunkBytes?: number; name?: string } = {}) {
  const secrets = options.secrets ?? newExportSecrets();
  const parts: Uint8Array[] = [];
  const writer = new BundleWriter((b) => parts.push(new Uint8Array(b)), secrets, {
    privateKeys: options.privateKeys ?? true,
    keyCount: keys.length,
    versionCount: keys.reduce((n, k) => n + k.versions.length, 0),
    sourceFingerprint: new Uint8Array(16),
    chunkBytes: options.chunkBytes,
  });
  for (const key of keys) writer.add(key);
  writer.addVaultIdentity({ vaultFingerprint: '0000-0000-0000-0000', vaultName: null });
  writer.finish();
  const name = options.name ?? 'crafted';
  const bundle = join(dir, `${name}.bundle`);
  const accessKeys = join(dir, `${name}.access.json`);
  writeFileSync(bundle, Buffer.concat(parts));
  writeFileSync(accessKeys, encodeAccessKeys(accessKeysOf(secrets)));
  return { bundle, accessKeys, secrets };
}

/** The same bundle id and encryption key (from the access keys), but a new signing key: a re-signed bundle. */
export function resignedSecrets(original: { bundleId: Uint8Array; encryptionKey: Uint8Array }): ExportSecrets {
  return { bundleId: original.bundleId, encryptionKey: original.encryptionKey, signing: newSigningPair(), createdAt: new Date() };
}

/** Every key of a bundle, with secrets copied out (the reader's views are wiped after each chunk). */
export function readPortable(bundle: string, accessKeys: string): PortableKey[] {
  const reader = new BundleReader(bundle);
  const keys: PortableKey[] = [];
  try {
    reader.readKeys(readAccessKeysFile(accessKeys), (key) => {
      keys.push({ ...key, versions: key.versions.map((v) => ({ ...v, secret: v.secret && new Uint8Array(v.secret) })) });
    });
  } finally {
    reader.close();
  }
  return keys;
}

/** How many bytes of UTF-8 JSON the bundle's audit history takes (0 when it carries none). */
export function auditHistoryBytes(bundle: string, accessKeys: string): number {
  const reader = new BundleReader(bundle);
  try {
    const { extras } = reader.readKeys(readAccessKeysFile(accessKeys), () => undefined);
    return Buffer.byteLength(extras.auditHistory ?? '', 'utf8');
  } finally {
    reader.close();
  }
}
