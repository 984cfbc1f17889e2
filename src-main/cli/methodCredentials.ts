import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CustosError } from '../../shared/errors.js';
import type { MethodCredentials, VaultAccess } from '../core/keystore/methods/kinds.js';
import type { CliIo } from './io.js';

/** The credentials of the unlock methods, as options on every keystore command. Files, never values on the command line. */
export interface MethodCredentialOptions {
  unlockMethod?: string | undefined;
  passphraseFile?: string | undefined;
  pinFile?: string | undefined;
  vaultTokenFile?: string | undefined;
  vaultRoleId?: string | undefined;
  vaultSecretIdFile?: string | undefined;
  vaultCaFile?: string | undefined;
  vaultAllowPlainHttp?: boolean | undefined;
  vaultTimeout?: string | undefined;
  unlockShareFile?: string[] | undefined;
  unlockSharePassphraseFile?: string | undefined;
}

/** The prompt for the passphrase that unlocks a keystore (never the SLIP-0039 passphrase of shares). */
export const KEYSTORE_PASSPHRASE_PROMPT = 'Keystore passphrase: ';

export const UNLOCK_METHOD_HELP = 'unlock with this stored method: its id, or a kind (passphrase, pkcs11, vault-transit, vault-kv, paper, master-key)';

export function withMethodCredentialOptions(command: Command): Command {
  return command
    .option('--unlock-method <id|kind>', UNLOCK_METHOD_HELP)
    .option('--pin-file <file>', 'HSM user PIN, for a pkcs11 method (default: asked at the terminal)')
    .option('--vault-token-file <file>', 'HashiCorp Vault token, for a vault-transit or vault-kv method')
    .option('--vault-role-id <id>', 'Vault AppRole role_id (with --vault-secret-id-file)')
    .option('--vault-secret-id-file <file>', 'Vault AppRole secret_id')
    .option('--vault-ca-file <file>', "PEM of the CA that signed Vault's certificate")
    .option('--vault-allow-plain-http', 'allow http:// to Vault (sends the token and key in clear text: a dev server or loopback only)')
    .option('--vault-timeout <seconds>', 'deadline for each Vault call (default 10)')
    .option('--unlock-share-file <file>', 'a paper share (its words), for a paper method (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--unlock-share-passphrase-file <file>', 'the SLIP-0039 passphrase of those shares, if the ceremony used one');
}

/** A secret file's text; one trailing newline is not part of it. */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.length === 0) throw new CustosError('INVALID_ARGUMENT', `${what} ${path} is empty`);
  return text;
}

export async function readPin(options: MethodCredentialOptions, io: CliIo): Promise<string> {
  if (options.pinFile) return readSecretFile(options.pinFile, 'PIN file');
  if (io.interactive) {
    const pin = await io.promptHidden('HSM user PIN: ');
    if (pin.length > 0) return pin;
  }
  throw new CustosError('MASTER_KEY_MISSING', 'a pkcs11 method needs the HSM PIN: --pin-file FILE, or run at a terminal');
}

/** How to reach Vault from the options, or null when no Vault credential was given. */
export function vaultAccessOrNull(options: MethodCredentialOptions): VaultAccess | null {
  let timeoutMs: number | undefined;
  if (options.vaultTimeout !== undefined) {
    const seconds = Number(options.vaultTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new CustosError('INVALID_ARGUMENT', '--vault-timeout is a number of seconds, above 0 and at most 600');
    timeoutMs = Math.round(seconds * 1000);
  }
  const common = {
    ...(options.vaultCaFile ? { caPem: readSecretFile(options.vaultCaFile, 'Vault CA file') } : {}),
    ...(options.vaultAllowPlainHttp ? { allowPlainHttp: true } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
  if (options.vaultTokenFile && (options.vaultRoleId || options.vaultSecretIdFile)) throw new CustosError('INVALID_ARGUMENT', 'choose --vault-token-file or AppRole (--vault-role-id, --vault-secret-id-file), not both');
  if (options.vaultTokenFile) return { ...common, auth: { method: 'token', token: readSecretFile(options.vaultTokenFile, 'Vault token file') } };
  if (options.vaultRoleId || options.vaultSecretIdFile) {
    if (!options.vaultRoleId || !options.vaultSecretIdFile) throw new CustosError('INVALID_ARGUMENT', 'AppRole needs both --vault-role-id and --vault-secret-id-file');
    return { ...common, auth: { method: 'approle', roleId: options.vaultRoleId, secretId: readSecretFile(options.vaultSecretIdFile, 'Vault secret_id file') } };
  }
  return null;
}

export function vaultAccess(options: MethodCredentialOptions): VaultAccess {
  const access = vaultAccessOrNull(options);
  if (!access) throw new CustosError('MASTER_KEY_MISSING', 'a Vault method needs Vault credentials: --vault-token-file FILE, or --vault-role-id ID --vault-secret-id-file FILE');
  return access;
}

/** The credentials a method of `kind` needs, from the options (or typed at a terminal). */
export async function credentialsFor(kind: string, options: MethodCredentialOptions, io: CliIo): Promise<MethodCredentials> {
  switch (kind) {
    case 'passphrase': {
      if (options.passphraseFile) return { kind, passphrase: readSecretFile(options.passphraseFile, 'passphrase file') };
      const typed = io.interactive ? await io.promptHidden(KEYSTORE_PASSPHRASE_PROMPT) : '';
      if (typed.length === 0) throw new CustosError('MASTER_KEY_MISSING', 'a passphrase method needs its passphrase: --passphrase-file FILE, or run at a terminal');
      return { kind, passphrase: typed };
    }
    case 'pkcs11':
      return { kind, pin: await readPin(options, io) };
    case 'vault-transit':
    case 'vault-kv':
      return { kind, vault: vaultAccess(options) };
    case 'paper': {
      const files = options.unlockShareFile ?? [];
      if (files.length === 0) throw new CustosError('MASTER_KEY_MISSING', 'a paper method needs a quorum of shares: --unlock-share-file FILE (repeat it)');
      const shares = files.map((path) => ({ source: path, text: readSecretFile(path, 'share file') }));
      const passphrase = options.unlockSharePassphraseFile ? readSecretFile(options.unlockSharePassphraseFile, 'share passphrase file') : undefined;
      return { kind, shares, passphrase };
    }
    default:
      throw new CustosError('INVALID_ARGUMENT', `unknown unlock method kind '${kind}'`);
  }
}
