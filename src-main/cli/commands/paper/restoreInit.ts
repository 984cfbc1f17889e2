import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { OutputFile } from '../../../core/files/outputFile.js';
import { createKeystore } from '../../../core/keystore/create.js';
import { encodeMasterKey } from '../../../core/masterkey/masterKey.js';
import { kdfParams } from '../init.js';
import { statusLine } from '../../progress.js';
import { newPassphrase, readPassphraseFile } from '../../secrets.js';
import type { CliIo } from '../../io.js';

export interface InitUnlockOptions {
  passphraseFile?: string | undefined;
  masterKeyOut?: string | undefined;
  kdfMemoryMib?: string | undefined;
  kdfPasses?: string | undefined;
  json?: boolean | undefined;
}

/** How the new keystore will be unlocked, settled before any share is read. */
export interface InitPlan {
  path: string;
  /** The key file to write (0600, never over an existing file), made before the shares are read. */
  keyFile: OutputFile | null;
  /** A passphrase asked for at the terminal once the key is recovered (typed twice). */
  askPassphrase: boolean;
}

/**
 * Refuses, before any share is typed, an --init that would leave a keystore
 * nobody can open: it needs a passphrase (file, or typed at a terminal) or
 * the master key written to a new file.
 */
export function planInit(options: InitUnlockOptions, path: string, io: CliIo): InitPlan {
  if (existsSync(resolve(path))) throw new CustosError('KEYSTORE_EXISTS', `${resolve(path)} exists already; --init makes a new keystore and never overwrites one (use --verify to check shares against it)`);
  if (!options.passphraseFile && !options.masterKeyOut && !io.interactive) {
    throw new CustosError(
      'INVALID_ARGUMENT',
      '--init needs a way to unlock the new keystore afterwards: --passphrase-file FILE (its new keystore passphrase) or --master-key-out FILE (the recovered master key, written to a new file, mode 0600)',
    );
  }
  if ((options.kdfMemoryMib || options.kdfPasses) && !options.passphraseFile && !io.interactive) {
    throw new CustosError('INVALID_ARGUMENT', '--kdf-memory-mib and --kdf-passes apply to a passphrase; none was given');
  }
  const keyFile = options.masterKeyOut ? new OutputFile(options.masterKeyOut, false) : null;
  return { path, keyFile, askPassphrase: !options.passphraseFile && !options.masterKeyOut };
}

export interface CreatedFromShares {
  path: string;
  keystoreId: string;
  unlock: string[];
  masterKeyFile: string | null;
}

/** Creates the keystore on the recovered key; the key file (if any) is in place first, and taken back if the keystore cannot be made. */
export async function createFromShares(plan: InitPlan, options: InitUnlockOptions, masterKey: Uint8Array, io: CliIo, extra: { actor: string | null; audit: Parameters<typeof createKeystore>[1]['auditAlso'] }): Promise<CreatedFromShares> {
  const passphrase = options.passphraseFile ? readPassphraseFile(options.passphraseFile) : plan.askPassphrase ? await newPassphrase({}, io) : null;
  if (plan.askPassphrase && passphrase === null) throw new CustosError('INVALID_ARGUMENT', 'no passphrase for the new keystore');
  // Calibration and the derivation take one to many seconds: say so at a terminal, as init does.
  const status = passphrase === null ? null : statusLine(io, 'deriving the key from the passphrase', !options.json);
  const file = plan.keyFile;
  try {
    const params = passphrase === null ? undefined : await kdfParams(options, () => status?.step('calibrating argon2id for this machine'));
    if (params) status?.step(`argon2id, ${params.memoryKiB / 1024} MiB, ${params.iterations} passes`);
    if (file) {
      file.write(Buffer.from(`${encodeMasterKey(masterKey)}\n`));
      file.publish();
    }
    const created = await createKeystore(plan.path, { masterKey, passphrase: params && passphrase !== null ? { text: passphrase, params } : undefined, actor: extra.actor, auditAlso: extra.audit });
    status?.finish();
    return { path: created.path, keystoreId: created.keystoreId, unlock: [...(file ? ['master-key'] : []), ...(params ? ['passphrase'] : [])], masterKeyFile: file?.path ?? null };
  } catch (error) {
    file?.unpublish();
    throw error;
  } finally {
    status?.finish();
  }
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

/** The exact next command: import the backup bundle with the unlock just chosen. */
export function importCommandFor(created: CreatedFromShares, options: InitUnlockOptions): string {
  const unlock = created.masterKeyFile ? ['--master-key-file', created.masterKeyFile] : options.passphraseFile ? ['--passphrase-file', resolve(options.passphraseFile)] : [];
  return ['custos', 'import', '--keystore', created.path, ...unlock, '--bundle', 'BUNDLE', '--access-keys', 'ACCESS_KEYS'].map((a) => (a === 'BUNDLE' || a === 'ACCESS_KEYS' ? a : quote(a))).join(' ');
}

export { quote as shellQuote };
