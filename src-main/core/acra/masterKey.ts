import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';
import { writeNewPrivateFile } from './keystoreV1Folder.js';

/**
 * Acra's master key (ACRA_MASTER_KEY): standard base64 of at least 32 bytes,
 * used as the Secure Cell key as it is (keystore/keystore.go,
 * ValidateMasterKey). It is Acra's, not Custos's: it never unlocks a Custos
 * keystore, and a Custos keystore never stores it.
 */
export const ACRA_MASTER_KEY_BYTES = 32;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes an Acra master key; ACRA_MASTER_KEY_MALFORMED (naming where it came from, never its value) otherwise. */
export function parseAcraMasterKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = BASE64.test(trimmed) && trimmed.length % 4 === 0 ? new Uint8Array(Buffer.from(trimmed, 'base64')) : null;
  if (!bytes || bytes.length < ACRA_MASTER_KEY_BYTES) {
    bytes?.fill(0);
    throw new CustosError('ACRA_MASTER_KEY_MALFORMED', `the Acra master key in ${source} is not standard base64 of at least ${ACRA_MASTER_KEY_BYTES} bytes (make one with --new-acra-master-key-out, or 'acra-keymaker --generate_master_key')`);
  }
  return bytes;
}

/**
 * Reads and decodes an Acra master key file (what `--acra-master-key-file`
 * names, or the file main's dialog chose): INVALID_ARGUMENT naming the file
 * when it cannot be read, ACRA_MASTER_KEY_MALFORMED when it is not a key.
 */
export function readAcraMasterKeyFile(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseAcraMasterKey(text, file);
}

/** A fresh Acra master key: 32 random bytes. */
export function newAcraMasterKey(): Uint8Array {
  return new Uint8Array(randomBytes(ACRA_MASTER_KEY_BYTES));
}

/** Writes a master key as ACRA_MASTER_KEY wants it (base64 and a newline), to a new file of mode 0600; FILE_EXISTS if it exists. */
export function writeAcraMasterKeyFile(path: string, key: Uint8Array): void {
  const text = Buffer.from(`${Buffer.from(key).toString('base64')}\n`, 'latin1');
  try {
    writeNewPrivateFile(path, text);
  } finally {
    text.fill(0);
  }
}
