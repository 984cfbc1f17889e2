import { sha256 } from '@noble/hashes/sha2.js';
import { createHash, randomBytes } from 'node:crypto';
import { wipe } from '../crypto/bytes.js';
import type { PortableKey } from '../keystore/importer.js';
import type { AccessKeys } from './accessKeys.js';
import { encodeKey, Staging } from './codec.js';
import { keyCommitment, newSigningPair, pairFingerprintBytes, payloadKey, signBundle, signedMessage, verifyKeyHash, type SigningPair } from './crypto.js';
import { DEFAULT_CHUNK_BYTES, encodeHeader, FORMAT_VERSION, MAX_CHUNK_BYTES, MIN_CHUNK_BYTES, type BundleHeader } from './header.js';
import { frameHeader, sealChunk } from './stream.js';
import { AUDIT_PART_BYTES, encodeAuditPart, encodeCeremony, encodeVaultIdentity, type PortableCeremony, type VaultIdentityRecord } from './vaultRecords.js';

/** The fresh secrets of one export. Tests and vectors inject fixed ones; everything else uses `newExportSecrets`. */
export interface ExportSecrets {
  bundleId: Uint8Array;
  encryptionKey: Uint8Array;
  signing: SigningPair;
  createdAt: Date;
}

export function newExportSecrets(now = new Date()): ExportSecrets {
  return { bundleId: new Uint8Array(randomBytes(16)), encryptionKey: new Uint8Array(randomBytes(32)), signing: newSigningPair(), createdAt: now };
}

export function accessKeysOf(secrets: ExportSecrets): AccessKeys {
  return { bundleId: secrets.bundleId, encryptionKey: secrets.encryptionKey, verifyKey: secrets.signing.verifyKey };
}

export interface BundleContents {
  privateKeys: boolean;
  keyCount: number;
  versionCount: number;
  /** v2: `sourceVaultField(fingerprint)`; v1: `sourceKeystoreFingerprint(keystore id)`. */
  sourceFingerprint: Uint8Array;
  chunkBytes?: number | undefined;
  /** 2 (the default) or 1: only the v1 test vector still writes v1, which carries keys only. */
  formatVersion?: 1 | 2 | undefined;
}

/**
 * Streams a bundle to `sink`: the header at once, then a chunk each time
 * `chunkBytes` of records have been added, then the last chunk and the
 * signature in `finish`. Memory stays at about two chunks, whatever the count.
 */
export class BundleWriter {
  readonly header: BundleHeader;
  private readonly headerBytes: Uint8Array;
  private readonly aad: Uint8Array;
  private readonly key: Uint8Array;
  /** Node's SHA-256 over the chunk frames (the same digest as noble's, at a fraction of its cost on a large payload). */
  private readonly hash = createHash('sha256');
  private readonly staging: Staging;
  private chunks = 0;
  private keys = 0;
  private versions = 0;
  /** After the first vault record no key may follow (the reader enforces the same order). */
  private vaultWritten = false;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly secrets: ExportSecrets,
    contents: BundleContents,
  ) {
    const { bundleId, encryptionKey, signing } = secrets;
    const chunkBytes = contents.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) throw new RangeError(`chunk size must be ${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES} bytes`);
    this.header = {
      version: contents.formatVersion ?? FORMAT_VERSION,
      privateKeys: contents.privateKeys,
      bundleId,
      createdAt: secrets.createdAt,
      keyCount: contents.keyCount,
      versionCount: contents.versionCount,
      chunkBytes,
      sourceFingerprint: contents.sourceFingerprint,
      pairFingerprint: pairFingerprintBytes(bundleId, signing.verifyKey),
      verifyKeyHash: verifyKeyHash(signing.verifyKey),
      keyCommitment: keyCommitment(encryptionKey, bundleId),
    };
    this.headerBytes = encodeHeader(this.header);
    this.aad = sha256(this.headerBytes);
    this.key = payloadKey(encryptionKey, bundleId);
    this.staging = new Staging(this.header.chunkBytes * 2);
    sink(this.headerBytes);
  }

  add(key: PortableKey): void {
    if (!this.header.privateKeys && key.versions.some((v) => v.secret)) throw new RangeError(`a public-only bundle cannot carry the secret of '${key.name}'`);
    if (this.vaultWritten) throw new RangeError('keys come before the vault records');
    encodeKey(this.staging, key);
    this.keys++;
    this.versions += key.versions.length;
    this.flush();
  }

  /** v2: the vault record, once, after the last key; then its ceremonies and audit history. */
  addVaultIdentity(vault: VaultIdentityRecord): void {
    if (this.header.version < 2 || this.vaultWritten) throw new RangeError('one vault record, in a v2 bundle only');
    this.vaultWritten = true;
    encodeVaultIdentity(this.staging, vault);
    this.flush();
  }

  addCeremony(ceremony: PortableCeremony): void {
    if (!this.vaultWritten) throw new RangeError('ceremonies follow the vault record');
    if (ceremony.supersededTagKey && !this.header.privateKeys) throw new RangeError(`a bundle without private keys cannot carry the tag key of ceremony ${ceremony.record.id}`);
    encodeCeremony(this.staging, ceremony);
    this.flush();
  }

  /** The audit history's JSON, last, in parts of at most 1 MiB. */
  addAuditHistory(json: string): void {
    if (!this.vaultWritten) throw new RangeError('the audit history follows the vault record');
    const bytes = Buffer.from(json, 'utf8');
    for (let at = 0; at < bytes.length; at += AUDIT_PART_BYTES) {
      encodeAuditPart(this.staging, bytes.subarray(at, at + AUDIT_PART_BYTES));
      this.flush();
    }
  }

  private flush(): void {
    const size = this.header.chunkBytes;
    while (this.staging.length >= size) {
      this.emit(false, this.staging.buf.subarray(0, size));
      this.staging.shift(size);
    }
  }

  /** Seals the last chunk (possibly empty), writes the signature and wipes what the writer held. */
  finish(): { signature: Uint8Array; chunks: number } {
    try {
      if (this.header.version >= 2 && !this.vaultWritten) throw new RangeError('a v2 bundle needs its vault record');
      if (this.keys !== this.header.keyCount || this.versions !== this.header.versionCount) {
        throw new RangeError(`the bundle header promised ${this.header.keyCount} keys / ${this.header.versionCount} versions, but ${this.keys} / ${this.versions} were added`);
      }
      this.emit(true, this.staging.buf.subarray(0, this.staging.length));
      const signature = signBundle(this.secrets.signing.signingKey, signedMessage(this.headerBytes, this.chunks, new Uint8Array(this.hash.digest())));
      this.sink(signature);
      return { signature, chunks: this.chunks };
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.staging.buf.fill(0);
    wipe(this.key);
  }

  private emit(last: boolean, plaintext: Uint8Array): void {
    const ciphertext = sealChunk(this.key, this.aad, this.chunks, last, plaintext);
    const frame = frameHeader(last, ciphertext.length);
    this.hash.update(frame);
    this.hash.update(ciphertext);
    this.sink(frame);
    this.sink(ciphertext);
    this.chunks++;
  }
}
