import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, wipe } from '../crypto/bytes.js';

export const MASTER_KEY_BYTES = 32;

/** 32 fresh random bytes from the operating system's CSPRNG. */
export function generateMasterKey(): Uint8Array {
  return new Uint8Array(randomBytes(MASTER_KEY_BYTES));
}

export function encodeMasterKey(key: Uint8Array): string {
  return encodeBase64(key);
}

/**
 * Parses a base64 master key (as acra-keymaker writes and ACRA_MASTER_KEY holds).
 * `source` names where it came from, for the error message; the value itself is
 * never echoed.
 */
export function parseMasterKey(text: string, source: string): Uint8Array {
  const bytes = decodeBase64Strict(text);
  if (bytes === null) {
    throw new CustosError('MASTER_KEY_MALFORMED', `${source} is not valid base64`);
  }
  if (bytes.length !== MASTER_KEY_BYTES) {
    const length = bytes.length;
    wipe(bytes);
    throw new CustosError('MASTER_KEY_MALFORMED', `${source} decodes to ${length} bytes; a master key is exactly ${MASTER_KEY_BYTES}`);
  }
  return bytes;
}

/**
 * A master key file holds either the base64 text (what `custos master-key
 * generate --out` writes) or the raw 32 bytes (what acra-keymaker
 * --generate_master_key writes). 32 raw bytes cannot be mistaken for base64 of
 * 32 bytes, which is 43 or 44 characters.
 */
export function parseMasterKeyFile(content: Uint8Array, source: string): Uint8Array {
  if (content.length === MASTER_KEY_BYTES) return new Uint8Array(content);
  // A view, not Buffer.from(content): that copy would sit in Node's buffer pool, never wiped.
  return parseMasterKey(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1'), source);
}
