import { CustosError } from '../../../shared/errors.js';

/**
 * The clear-text header of a bundle (formats v1 and v2, same layout): fixed size, big-endian.
 * Everything in it is authenticated twice: its SHA-256 is the associated
 * data of every payload chunk, and the signature covers its bytes.
 */
export const MAGIC = Uint8Array.from(Buffer.from('CSTSBNDL', 'latin1'));
/** What this build writes; it reads every version in READABLE_VERSIONS. */
export const FORMAT_VERSION = 2;
export const READABLE_VERSIONS: readonly number[] = [1, 2];
export const HEADER_BYTES = 140;
export const FLAG_PRIVATE_KEYS = 0x1;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Bounds on the chunk size a reader accepts, so a bundle cannot make it allocate without limit. */
export const MIN_CHUNK_BYTES = 1024;
export const MAX_CHUNK_BYTES = 1024 * 1024;

export interface BundleHeader {
  version: number;
  privateKeys: boolean;
  bundleId: Uint8Array;
  createdAt: Date;
  keyCount: number;
  versionCount: number;
  chunkBytes: number;
  /**
   * 16 bytes naming the source. v1: a hash of the source keystore id. v2: the
   * source vault fingerprint (8 bytes, `vaultFingerprintOf`) then 8 zero bytes.
   */
  sourceFingerprint: Uint8Array;
  /** 8 bytes naming the bundle + access-keys pair. */
  pairFingerprint: Uint8Array;
  verifyKeyHash: Uint8Array;
  keyCommitment: Uint8Array;
}

const O = { magic: 0, version: 8, length: 10, flags: 12, bundleId: 16, createdAt: 32, keys: 40, versions: 44, chunk: 48, source: 52, pair: 68, verify: 76, commit: 108 } as const;

export function encodeHeader(h: BundleHeader): Uint8Array {
  const out = Buffer.alloc(HEADER_BYTES);
  out.set(MAGIC, O.magic);
  out.writeUInt16BE(h.version, O.version);
  out.writeUInt16BE(HEADER_BYTES, O.length);
  out.writeUInt32BE(h.privateKeys ? FLAG_PRIVATE_KEYS : 0, O.flags);
  out.set(h.bundleId, O.bundleId);
  out.writeBigUInt64BE(BigInt(h.createdAt.getTime()), O.createdAt);
  out.writeUInt32BE(h.keyCount, O.keys);
  out.writeUInt32BE(h.versionCount, O.versions);
  out.writeUInt32BE(h.chunkBytes, O.chunk);
  out.set(h.sourceFingerprint, O.source);
  out.set(h.pairFingerprint, O.pair);
  out.set(h.verifyKeyHash, O.verify);
  out.set(h.keyCommitment, O.commit);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

const malformed = (message: string) => new CustosError('BUNDLE_MALFORMED', message);

/** Checks the magic and version from however many bytes the file has: a short prefix of a bundle is truncated, not foreign. */
export function checkPreamble(bytes: Uint8Array, path: string): void {
  const magicPart = bytes.subarray(0, MAGIC.length);
  if (!Buffer.from(magicPart).equals(Buffer.from(MAGIC.subarray(0, magicPart.length)))) {
    const hint = bytes[0] === 0x7b ? ' (it looks like an access-keys file: were --bundle and --access-keys swapped?)' : '';
    throw malformed(`${path} is not a Custos bundle${hint}`);
  }
  if (bytes.length >= O.version + 2) {
    const version = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt16BE(O.version);
    if (!READABLE_VERSIONS.includes(version)) {
      throw new CustosError('BUNDLE_VERSION', `${path} is bundle format v${version}; this Custos reads v${READABLE_VERSIONS.join(' and v')}${version > FORMAT_VERSION ? ' (upgrade Custos)' : ''}`);
    }
  }
  if (bytes.length < HEADER_BYTES) throw new CustosError('BUNDLE_TRUNCATED', `${path} ends inside its header (${bytes.length} of ${HEADER_BYTES} bytes)`);
}

export function decodeHeader(bytes: Uint8Array, path: string): BundleHeader {
  checkPreamble(bytes, path);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (b.readUInt16BE(O.length) !== HEADER_BYTES) throw malformed(`${path}: header length ${b.readUInt16BE(O.length)} is not ${HEADER_BYTES}`);
  const flags = b.readUInt32BE(O.flags);
  if ((flags & ~FLAG_PRIVATE_KEYS) !== 0) throw malformed(`${path}: unknown header flags 0x${flags.toString(16)}`);
  const chunkBytes = b.readUInt32BE(O.chunk);
  if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) throw malformed(`${path}: chunk size ${chunkBytes} is out of range`);
  const createdMs = b.readBigUInt64BE(O.createdAt);
  if (createdMs > BigInt(8.64e15)) throw malformed(`${path}: creation time is out of range`);
  const slice = (offset: number, length: number) => new Uint8Array(b.subarray(offset, offset + length));
  const version = b.readUInt16BE(O.version);
  if (version >= 2 && b.subarray(O.source + 8, O.source + 16).some((x) => x !== 0)) throw malformed(`${path}: the source vault field has non-zero padding`);
  return {
    version,
    privateKeys: (flags & FLAG_PRIVATE_KEYS) !== 0,
    bundleId: slice(O.bundleId, 16),
    createdAt: new Date(Number(createdMs)),
    keyCount: b.readUInt32BE(O.keys),
    versionCount: b.readUInt32BE(O.versions),
    chunkBytes,
    sourceFingerprint: slice(O.source, 16),
    pairFingerprint: slice(O.pair, 8),
    verifyKeyHash: slice(O.verify, 32),
    keyCommitment: slice(O.commit, 32),
  };
}

/** The v2 header's source field: the vault fingerprint's 8 bytes, then 8 zero bytes. */
export function sourceVaultField(vaultFingerprint: string): Uint8Array {
  const out = new Uint8Array(16);
  out.set(Buffer.from(vaultFingerprint.replaceAll('-', ''), 'hex').subarray(0, 8));
  return out;
}

/** The source vault a v2 header names ("1a2b-…"), or null for a v1 header (which names a keystore instead). */
export function sourceVaultOf(header: BundleHeader): string | null {
  if (header.version < 2) return null;
  return (Buffer.from(header.sourceFingerprint.subarray(0, 8)).toString('hex').match(/.{4}/g) ?? []).join('-');
}
