import { closeSync, openSync, readSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, equalBytes, toHex } from '../crypto/bytes.js';
import { formatFingerprint, pairFingerprintBytes } from './crypto.js';
import { MAGIC } from './header.js';

export const ACCESS_KEYS_TYPE = 'custos-bundle-access-keys';
export const ACCESS_KEYS_VERSION = 1;
export const WARNING = 'DO NOT transport or store these files together';
/** Far above any real access-keys file; stops a mixed-up argument from reading a whole bundle. */
const MAX_FILE_BYTES = 64 * 1024;

/** The secrets of one export, kept apart from its bundle. The signing private key is not here: it was discarded. */
export interface AccessKeys {
  bundleId: Uint8Array;
  encryptionKey: Uint8Array;
  /** Raw 32-byte Ed25519 public key. */
  verifyKey: Uint8Array;
}

export function accessKeysFingerprint(keys: Pick<AccessKeys, 'bundleId' | 'verifyKey'>): string {
  return formatFingerprint(pairFingerprintBytes(keys.bundleId, keys.verifyKey));
}

/** Small JSON, so a person can see the pair fingerprint without any tool. */
export function encodeAccessKeys(keys: AccessKeys): string {
  const body = {
    type: ACCESS_KEYS_TYPE,
    version: ACCESS_KEYS_VERSION,
    pairFingerprint: accessKeysFingerprint(keys),
    bundleId: toHex(keys.bundleId),
    encryptionKey: encodeBase64(keys.encryptionKey),
    verifyKey: encodeBase64(keys.verifyKey),
    note: `Access keys for one Custos bundle (pair ${accessKeysFingerprint(keys)}). ${WARNING}.`,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

const malformed = (source: string, why: string) => new CustosError('ACCESS_KEYS_MALFORMED', `${source} is not a valid access-keys file: ${why}`);

const HEX = /^(?:[0-9a-f]{2})+$/;

/** A field of exactly `length` bytes, as lowercase hex or strict base64. */
function bytesField(value: unknown, encoding: 'hex' | 'base64', source: string, field: string, length: number): Uint8Array {
  let bytes: Uint8Array | null = null;
  if (typeof value === 'string') bytes = encoding === 'hex' ? (HEX.test(value) ? new Uint8Array(Buffer.from(value, 'hex')) : null) : decodeBase64Strict(value);
  if (!bytes || bytes.length !== length) throw malformed(source, `'${field}' is not ${length} bytes of ${encoding}`);
  return bytes;
}

/**
 * Parses access keys and checks them against their own pair fingerprint, so
 * a damaged file is named as such rather than blamed on the bundle. Fields
 * other than those below (such as `note`) are ignored.
 */
export function parseAccessKeys(text: string, source = 'the access keys'): AccessKeys {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(source, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(source, 'not a JSON object');
  const v = value as Record<string, unknown>;
  if (v['type'] !== ACCESS_KEYS_TYPE) throw malformed(source, `'type' is not ${ACCESS_KEYS_TYPE}`);
  if (v['version'] !== ACCESS_KEYS_VERSION) {
    // JSON.stringify, not String(): {"toString": ""} would throw a TypeError instead of a typed error.
    throw new CustosError('BUNDLE_VERSION', `${source} is access-keys format v${JSON.stringify(v['version']) ?? '(missing)'}; this Custos reads v${ACCESS_KEYS_VERSION}`);
  }
  const keys: AccessKeys = {
    bundleId: bytesField(v['bundleId'], 'hex', source, 'bundleId', 16),
    encryptionKey: bytesField(v['encryptionKey'], 'base64', source, 'encryptionKey', 32),
    verifyKey: bytesField(v['verifyKey'], 'base64', source, 'verifyKey', 32),
  };
  const claimed = v['pairFingerprint'];
  if (typeof claimed !== 'string' || !equalBytes(Buffer.from(claimed), Buffer.from(accessKeysFingerprint(keys)))) {
    throw malformed(source, 'its pair fingerprint does not match its keys (the file was edited or damaged)');
  }
  return keys;
}

export function readAccessKeysFile(path: string): AccessKeys {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CustosError('BUNDLE_IO', `cannot read access keys ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
  let length = 0;
  try {
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
  } finally {
    closeSync(fd);
  }
  try {
    if (buffer.subarray(0, MAGIC.length).equals(MAGIC)) throw malformed(path, 'it is a bundle (were --bundle and --access-keys swapped?)');
    if (length > MAX_FILE_BYTES) throw malformed(path, 'it is far too large');
    return parseAccessKeys(buffer.toString('utf8', 0, length), path);
  } finally {
    buffer.fill(0);
  }
}
