import { readFileSync } from 'node:fs';
import { CustosError } from '../../shared/errors.js';
import { parseMasterKey, parseMasterKeyFile } from '../core/masterkey/masterKey.js';
import type { Unlock } from '../core/keystore/unlock.js';
import type { CliIo } from './io.js';
import { isMethodKind, METHOD_KINDS } from '../core/keystore/methods/kinds.js';
import { credentialsFor, type MethodCredentialOptions } from './methodCredentials.js';

export interface SecretOptions extends MethodCredentialOptions {
  masterKeyFile?: string | undefined;
  passphraseFile?: string | undefined;
}

function readFileOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** A passphrase file holds the passphrase; one trailing newline is not part of it. */
export function readPassphraseFile(path: string): string {
  const text = readFileOrThrow(path, 'passphrase file').toString('utf8').replace(/\r?\n$/, '');
  if (text.length === 0) throw new CustosError('INVALID_ARGUMENT', `passphrase file ${path} is empty`);
  return text;
}

/**
 * The master key given explicitly, in order of precedence: --master-key-file,
 * CUSTOS_MASTER_KEY, ACRA_MASTER_KEY (base64, as Acra reads it). null when
 * none is given.
 */
export function explicitMasterKey(options: SecretOptions, io: CliIo): Uint8Array | null {
  if (options.masterKeyFile) return parseMasterKeyFile(readFileOrThrow(options.masterKeyFile, 'master key file'), `master key file ${options.masterKeyFile}`);
  const custos = io.env['CUSTOS_MASTER_KEY'];
  if (custos !== undefined && custos !== '') return parseMasterKey(custos, 'CUSTOS_MASTER_KEY');
  const acra = io.env['ACRA_MASTER_KEY'];
  if (acra !== undefined && acra !== '') return parseMasterKey(acra, 'ACRA_MASTER_KEY');
  return null;
}

/**
 * How to unlock an existing keystore: an explicit --passphrase-file wins,
 * then a master key (file, CUSTOS_MASTER_KEY, ACRA_MASTER_KEY), then a
 * passphrase typed at the terminal.
 */
export async function resolveUnlock(options: SecretOptions, io: CliIo): Promise<Unlock> {
  if (options.unlockMethod !== undefined) return chosenUnlock(options.unlockMethod, options, io);
  if (options.passphraseFile) return { kind: 'passphrase', passphrase: readPassphraseFile(options.passphraseFile) };
  const masterKey = explicitMasterKey(options, io);
  if (masterKey) return { kind: 'master-key', masterKey };
  if (io.interactive) {
    const passphrase = await io.promptHidden('Passphrase: ');
    if (passphrase.length === 0) throw new CustosError('MASTER_KEY_MISSING', 'no passphrase entered');
    return { kind: 'passphrase', passphrase };
  }
  throw new CustosError(
    'MASTER_KEY_MISSING',
    'no master key: set CUSTOS_MASTER_KEY (or ACRA_MASTER_KEY), or pass --master-key-file or --passphrase-file',
  );
}

/**
 * `--unlock-method ID|KIND`: exactly that method, with its credentials, and
 * nothing else if it fails (no fall-back to another method).
 */
async function chosenUnlock(selector: string, options: SecretOptions, io: CliIo): Promise<Unlock> {
  if (/^[1-9][0-9]{0,8}$/.test(selector)) return { kind: 'method', methodId: Number(selector), credentials: (kind) => credentialsFor(kind, options, io) };
  if (selector === 'master-key') {
    const masterKey = explicitMasterKey(options, io);
    if (!masterKey) throw new CustosError('MASTER_KEY_MISSING', 'no master key: set CUSTOS_MASTER_KEY (or ACRA_MASTER_KEY), or pass --master-key-file');
    return { kind: 'master-key', masterKey };
  }
  if (!isMethodKind(selector)) throw new CustosError('INVALID_ARGUMENT', `--unlock-method ${selector}: expected a method id or one of ${METHOD_KINDS.join(', ')}, master-key`);
  return credentialsFor(selector, options, io);
}

/** A new passphrase: from --passphrase-file, or typed twice at the terminal. null when neither is possible. */
export async function newPassphrase(options: SecretOptions, io: CliIo): Promise<string | null> {
  if (options.passphraseFile) return readPassphraseFile(options.passphraseFile);
  if (!io.interactive) return null;
  const first = await io.promptHidden('New passphrase: ');
  if (first.length === 0) throw new CustosError('INVALID_ARGUMENT', 'the passphrase is empty');
  const second = await io.promptHidden('Repeat passphrase: ');
  if (first !== second) throw new CustosError('INVALID_ARGUMENT', 'the two passphrases differ');
  return first;
}
