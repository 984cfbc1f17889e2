import { readFileSync } from 'node:fs';
import { CustosError } from '../../shared/errors.js';
import { parseMasterKey, parseMasterKeyFile } from '../core/masterkey/masterKey.js';
import type { Unlock } from '../core/keystore/unlock.js';
import type { CliIo } from './io.js';
import { isMethodKind, METHOD_KINDS, type MethodKind } from '../core/keystore/methods/kinds.js';
import { offeredUnlockMethods } from '../core/keystore/methods/offered.js';
import { credentialsFor, KEYSTORE_PASSPHRASE_PROMPT, type MethodCredentialOptions } from './methodCredentials.js';

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
 * then a master key (file, CUSTOS_MASTER_KEY, ACRA_MASTER_KEY), then, at a
 * terminal, what the keystore at `path` can open with (see askForUnlock).
 */
export async function resolveUnlock(options: SecretOptions, io: CliIo, path?: string): Promise<Unlock> {
  if (options.unlockMethod !== undefined) return chosenUnlock(options.unlockMethod, options, io);
  if (options.passphraseFile) return { kind: 'passphrase', passphrase: readPassphraseFile(options.passphraseFile) };
  const masterKey = explicitMasterKey(options, io);
  if (masterKey) return { kind: 'master-key', masterKey };
  if (io.interactive) return askForUnlock(io, path);
  throw new CustosError(
    'MASTER_KEY_MISSING',
    'no master key: set CUSTOS_MASTER_KEY (or ACRA_MASTER_KEY), or pass --master-key-file or --passphrase-file',
  );
}

/**
 * At a terminal with no credential given: ask for the keystore passphrase
 * only when the keystore has a passphrase method (read from the file without
 * unlocking it). Otherwise say what does open it, rather than asking for a
 * passphrase that cannot work.
 */
async function askForUnlock(io: CliIo, path: string | undefined): Promise<Unlock> {
  const methods = path === undefined ? null : offeredUnlockMethods(path);
  if (methods === null || methods.some((m) => m.kind === 'passphrase')) {
    const passphrase = await io.promptHidden(KEYSTORE_PASSPHRASE_PROMPT);
    if (passphrase.length === 0) throw new CustosError('MASTER_KEY_MISSING', 'no passphrase entered');
    return { kind: 'passphrase', passphrase };
  }
  if (methods.length === 0) throw new CustosError('MASTER_KEY_MISSING', 'this vault opens only with its master key: set CUSTOS_MASTER_KEY or pass --master-key-file');
  const choices = methods.map((m) => `--unlock-method ${m.id} (${m.kind}${m.label ? ` "${m.label}"` : ''}${UNLOCK_NEEDS[m.kind]})`).join(', ');
  throw new CustosError('MASTER_KEY_MISSING', `this vault has no passphrase: pass --master-key-file (or set CUSTOS_MASTER_KEY), or choose one of its unlock methods: ${choices}`);
}

/** What each kind of method needs besides --unlock-method, as the error above names it. */
const UNLOCK_NEEDS: Record<MethodKind, string> = {
  'passphrase': '',
  'pkcs11': ', with --pin-file or the PIN typed',
  'vault-transit': ', with --vault-token-file or --vault-role-id and --vault-secret-id-file',
  'vault-kv': ', with --vault-token-file or --vault-role-id and --vault-secret-id-file',
  'paper': ', with --unlock-share-file for each share',
};

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
