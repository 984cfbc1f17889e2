import { sha256 } from '@noble/hashes/sha2.js';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import type { PortableKey } from '../keystore/importer.js';
import { accessKeysFingerprint, type AccessKeys } from './accessKeys.js';
import { decodeKey, MAX_RECORD_BYTES, RECORD_KEY } from './codec.js';
import { formatFingerprint, keyCommitment, pairFingerprintBytes, payloadKey, signedMessage, verifyBundle, verifyKeyHash } from './crypto.js';
import { checkPreamble, decodeHeader, HEADER_BYTES, sourceVaultOf, type BundleHeader } from './header.js';
import { FLAG_LAST, FLAG_MORE, FRAME_HEADER_BYTES, openChunk, TAG_BYTES } from './stream.js';
import { checkDistinct, decodeCeremony, decodeVaultIdentity, RECORD_AUDIT_HISTORY, RECORD_CEREMONY, RECORD_VAULT, vaultCursor, type VaultExtras } from './vaultRecords.js';

const SIGNATURE_BYTES = 64;
const tampered = (message: string) => new CustosError('BUNDLE_TAMPERED', message);
const truncated = (message: string) => new CustosError('BUNDLE_TRUNCATED', message);

export interface ReadSummary {
  keys: number;
  versions: number;
  chunks: number;
  /** The vault records after the keys (v2); empty for a v1 bundle. */
  extras: VaultExtras;
}

/** Bounds the audit history a reader collects (its parts are held until the signature checks). */
const MAX_AUDIT_HISTORY_BYTES = 256 * 1024 * 1024;
/** Where the payload is: keys, then (v2) the vault record, ceremonies, audit-history parts, in that order. */
const STAGE = { keys: 0, vault: 1, ceremonies: 2, audit: 3 } as const;

/**
 * Reads a bundle in one synchronous pass (so it can run inside a SQLite
 * transaction): header, then each chunk is opened and its records handed to
 * `onKey`, then the signature over the header and every chunk is checked.
 * Anything wrong throws a typed error; a caller that wrote what it was given
 * rolls back. Nothing but the header is trusted before its chunk opens.
 */
export class BundleReader {
  readonly path: string;
  readonly header: BundleHeader;
  private readonly headerBytes: Uint8Array;
  private fd: number | null;
  private used = false;
  private stage: number = STAGE.keys;
  private auditParts: Buffer[] = [];
  private auditBytes = 0;
  private ceremonyTags = new Set<string>();

  constructor(path: string) {
    this.path = resolve(path);
    try {
      this.fd = openSync(this.path, 'r');
    } catch (error) {
      throw new CustosError('BUNDLE_IO', `cannot read bundle ${this.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      const bytes = Buffer.alloc(HEADER_BYTES);
      const n = this.read(bytes);
      checkPreamble(bytes.subarray(0, n), this.path);
      this.headerBytes = new Uint8Array(bytes);
      this.header = decodeHeader(this.headerBytes, this.path);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get pairFingerprint(): string {
    return formatFingerprint(this.header.pairFingerprint);
  }

  /** Checks that these access keys were made for this bundle, before anything is decrypted. */
  checkAccessKeys(keys: AccessKeys): void {
    const h = this.header;
    if (!equalBytes(h.bundleId, keys.bundleId)) {
      throw new CustosError('ACCESS_KEYS_MISMATCH', `these access keys belong to another export (pair ${accessKeysFingerprint(keys)}); the bundle is pair ${this.pairFingerprint}`);
    }
    if (!equalBytes(h.verifyKeyHash, verifyKeyHash(keys.verifyKey)) || !equalBytes(h.pairFingerprint, pairFingerprintBytes(keys.bundleId, keys.verifyKey))) {
      throw tampered('the bundle names another signing key than its access keys: it was re-signed, or its header was edited');
    }
    const commitment = keyCommitment(keys.encryptionKey, keys.bundleId);
    const ok = equalBytes(h.keyCommitment, commitment);
    wipe(commitment);
    if (!ok) throw new CustosError('ACCESS_KEYS_MISMATCH', 'the encryption key in these access keys does not belong to this bundle');
  }

  /** Streams every key to `onKey`, which must use the secrets before it returns: they are wiped afterwards. */
  readKeys(keys: AccessKeys, onKey: (key: PortableKey) => void, onChunk?: (keysSoFar: number) => void): ReadSummary {
    if (this.used) throw new RangeError('a BundleReader reads its keys once');
    this.used = true;
    this.checkAccessKeys(keys);
    const { chunkBytes } = this.header;
    const key = payloadKey(keys.encryptionKey, keys.bundleId);
    const aad = sha256(this.headerBytes);
    const hash = createHash('sha256');
    const frame = Buffer.alloc(FRAME_HEADER_BYTES);
    const ciphertext = Buffer.alloc(chunkBytes + TAG_BYTES);
    let pending: Buffer | null = null;
    const summary: ReadSummary = { keys: 0, versions: 0, chunks: 0, extras: { vault: null, ceremonies: [], auditHistory: null } };
    this.stage = STAGE.keys;
    this.auditParts = [];
    this.auditBytes = 0;
    this.ceremonyTags = new Set();
    try {
      for (let last = false; !last; summary.chunks++) {
        const counter = summary.chunks;
        if (this.read(frame) < FRAME_HEADER_BYTES) throw truncated(`${this.path} ends after chunk ${counter}, before its last chunk`);
        const flag = frame[0];
        const length = frame.readUInt32BE(1);
        last = flag === FLAG_LAST;
        const sizeOk = last ? length >= TAG_BYTES && length <= chunkBytes + TAG_BYTES : length === chunkBytes + TAG_BYTES;
        if ((flag !== FLAG_MORE && !last) || !sizeOk) throw tampered(`chunk ${counter} of ${this.path} has an invalid frame`);
        const body = ciphertext.subarray(0, length);
        if (this.read(body) < length) throw truncated(`${this.path} ends inside chunk ${counter}`);
        hash.update(frame);
        hash.update(body);
        const opened = openChunk(key, aad, counter, last, body);
        if (!opened) throw tampered(`chunk ${counter} of ${this.path} fails authentication (edited, reordered, or not from this bundle)`);
        const plain = Buffer.from(opened.buffer, opened.byteOffset, opened.byteLength);
        const data: Buffer = pending ? Buffer.concat([pending, plain]) : plain;
        if (pending) {
          pending.fill(0);
          plain.fill(0);
        }
        const used = this.decodeRecords(data, onKey, summary);
        pending = used < data.length ? Buffer.from(data.subarray(used)) : null;
        data.fill(0);
        onChunk?.(summary.keys);
      }
      if (pending) throw new CustosError('BUNDLE_MALFORMED', `${this.path}: the payload ends inside a key record`);
      this.checkSignature(keys.verifyKey, summary.chunks, new Uint8Array(hash.digest()));
      if (this.header.version >= 2 && summary.extras.vault === null) throw new CustosError('BUNDLE_MALFORMED', `${this.path}: a v2 bundle must carry its vault record`);
      // `inspect` shows the header's vault, `import` acts on the record's: they must be one vault.
      const named = sourceVaultOf(this.header);
      if (named !== null && summary.extras.vault !== null && named !== summary.extras.vault.vaultFingerprint) {
        throw new CustosError('BUNDLE_MALFORMED', `${this.path}: its header names vault ${named}, its vault record ${summary.extras.vault.vaultFingerprint}`);
      }
      if (this.auditParts.length > 0) summary.extras.auditHistory = Buffer.concat(this.auditParts).toString('utf8');
      if (summary.keys !== this.header.keyCount || summary.versions !== this.header.versionCount) {
        throw new CustosError('BUNDLE_MALFORMED', `${this.path} holds ${summary.keys} keys / ${summary.versions} versions; its header says ${this.header.keyCount} / ${this.header.versionCount}`);
      }
      return summary;
    } catch (error) {
      for (const c of summary.extras.ceremonies) wipe(c.supersededTagKey);
      throw error;
    } finally {
      wipe(key, pending);
      this.auditParts = [];
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Hands every complete record in `data` to `onKey`; returns how many bytes they took. */
  private decodeRecords(data: Buffer, onKey: (key: PortableKey) => void, summary: ReadSummary): number {
    let pos = 0;
    while (data.length - pos >= 4) {
      const length = data.readUInt32BE(pos);
      if (length > MAX_RECORD_BYTES) throw new CustosError('BUNDLE_MALFORMED', `${this.path}: a key record claims ${length} bytes`);
      if (pos + 4 + length > data.length) break;
      this.decodeRecord(data, pos + 4, pos + 4 + length, onKey, summary);
      pos += 4 + length;
    }
    return pos;
  }

  /** One record, in the order the format requires (a v1 bundle holds keys only). */
  private decodeRecord(data: Buffer, start: number, end: number, onKey: (key: PortableKey) => void, summary: ReadSummary): void {
    const type = data[start];
    // No closure made per record: tsx (the benches) wraps each in a naming call that showed in the import's profile.
    if (type === RECORD_KEY) {
      if (this.stage !== STAGE.keys) throw this.misplaced(type);
      const key = decodeKey(data, start, end);
      onKey(key);
      summary.keys++;
      summary.versions += key.versions.length;
      return;
    }
    if (this.header.version < 2) throw new CustosError('BUNDLE_MALFORMED', 'a key record inside the bundle is malformed: unknown record type');
    const c = vaultCursor(data, start + 1, end);
    if (type === RECORD_VAULT && this.stage === STAGE.keys) {
      summary.extras.vault = decodeVaultIdentity(c);
      this.stage = STAGE.vault;
    } else if (type === RECORD_CEREMONY && (this.stage === STAGE.vault || this.stage === STAGE.ceremonies)) {
      const ceremony = decodeCeremony(c, this.header.privateKeys);
      try {
        checkDistinct(summary.extras.ceremonies, ceremony, this.ceremonyTags);
      } catch (error) {
        wipe(ceremony.supersededTagKey);
        throw error;
      }
      summary.extras.ceremonies.push(ceremony);
      this.stage = STAGE.ceremonies;
    } else if (type === RECORD_AUDIT_HISTORY && this.stage !== STAGE.keys) {
      const part = Buffer.from(c.rest());
      this.auditBytes += part.length;
      if (this.auditBytes > MAX_AUDIT_HISTORY_BYTES) throw new CustosError('BUNDLE_MALFORMED', `${this.path}: its audit history exceeds ${MAX_AUDIT_HISTORY_BYTES} bytes`);
      this.auditParts.push(part);
      this.stage = STAGE.audit;
    } else if (type === RECORD_VAULT || type === RECORD_CEREMONY || type === RECORD_AUDIT_HISTORY) throw this.misplaced(type);
    else throw new CustosError('BUNDLE_MALFORMED', `${this.path}: unknown record type ${type ?? 'none'}`);
  }

  private misplaced(type: number): CustosError {
    return new CustosError('BUNDLE_MALFORMED', `${this.path}: a record of type ${type} is out of place`);
  }

  private checkSignature(verifyKey: Uint8Array, chunks: number, payloadHash: Uint8Array): void {
    const signature = Buffer.alloc(SIGNATURE_BYTES);
    if (this.read(signature) < SIGNATURE_BYTES) throw truncated(`${this.path} ends before its signature`);
    if (this.read(Buffer.alloc(1)) > 0) throw tampered(`${this.path} has bytes after its signature`);
    if (!verifyBundle(verifyKey, signedMessage(this.headerBytes, chunks, payloadHash), signature)) {
      throw tampered(`the signature of ${this.path} does not verify with its access keys`);
    }
  }

  /** Fills `into` from the file; returns fewer bytes only at the end of the file. */
  private read(into: Uint8Array): number {
    if (this.fd === null) throw new CustosError('BUNDLE_IO', `${this.path} is closed`);
    let done = 0;
    try {
      for (let n = 1; n > 0 && done < into.length; done += n) n = readSync(this.fd, into, done, into.length - done, null);
    } catch (error) {
      throw new CustosError('BUNDLE_IO', `cannot read bundle ${this.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return done;
  }
}
