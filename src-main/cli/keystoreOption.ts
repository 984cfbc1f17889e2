import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../shared/errors.js';
import type { Command } from 'commander';
import { openKeystore } from '../core/keystore/open.js';
import type { Keystore } from '../core/keystore/keystore.js';
import { wipe } from '../core/crypto/bytes.js';
import { validateActor } from '../core/audit/session.js';
import type { CliIo } from './io.js';
import { resolveUnlock, type SecretOptions } from './secrets.js';
import type { Unlock } from '../core/keystore/unlock.js';
import { withMethodCredentialOptions } from './methodCredentials.js';
import { COMMON_OPTIONS_HEADING, UNLOCK_OPTIONS_HEADING } from './helpGroups.js';
import { statusLine } from './progress.js';
import { cliApprovalGate } from './approvalGate.js';

export interface CommonOptions extends SecretOptions {
  keystore?: string | undefined;
  json?: boolean | undefined;
  actor?: string | undefined;
}

/** Who is acting, for the audit log: --actor, else CUSTOS_ACTOR, else nobody named (null). */
export function resolveActor(options: { actor?: string | undefined }, io: CliIo): string | null {
  return validateActor(options.actor ?? io.env['CUSTOS_ACTOR']);
}

export const ACTOR_HELP = 'who is acting, recorded in the audit log (default: $CUSTOS_ACTOR)';

export const DEFAULT_KEYSTORE = './custos.db';

export function keystorePath(options: CommonOptions, io: CliIo): string {
  // An empty CUSTOS_KEYSTORE counts as unset, as an empty CUSTOS_MASTER_KEY does (not as the current folder).
  return options.keystore ?? (io.env['CUSTOS_KEYSTORE'] || DEFAULT_KEYSTORE);
}

/**
 * Options every keystore command takes. --passphrase-file is the keystore
 * passphrase on every command (paper commands name the SLIP-0039 one
 * --share-passphrase-file), so a habit cannot mix the two up.
 */
export function withKeystoreOptions(command: Command): Command {
  // Under their own headings, which --help lists after the command's own options (see helpGroups.ts).
  command
    .optionsGroup(UNLOCK_OPTIONS_HEADING)
    .option('--keystore <path>', `keystore file (default: $CUSTOS_KEYSTORE or ${DEFAULT_KEYSTORE})`)
    .option('--master-key-file <file>', 'file holding the master key (base64, or 32 raw bytes)')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase');
  withMethodCredentialOptions(command)
    .optionsGroup(COMMON_OPTIONS_HEADING)
    .option('--actor <name>', ACTOR_HELP)
    .option('--json', 'machine-readable output');
  // Options the command adds next are its own.
  return command.optionsGroup('');
}

/**
 * Opens the keystore, runs `fn`, and always locks it again. `fn` also gets
 * how it was unlocked (a master key given is already wiped by then; a
 * passphrase is kept, for master-key rotation to re-wrap with).
 */
export async function withKeystore<T>(options: CommonOptions, io: CliIo, fn: (keystore: Keystore, unlock: Unlock) => T | Promise<T>): Promise<T> {
  const path = resolve(keystorePath(options, io));
  // A wrong path is reported as such before anyone is asked for a passphrase.
  if (!existsSync(path)) throw new CustosError('KEYSTORE_NOT_FOUND', `no keystore at ${path} (create one with 'custos init')`);
  const actor = resolveActor(options, io);
  const unlock = await resolveUnlock(options, io, path);
  let keystore: Keystore;
  // argon2id takes about a second at the cost init calibrates (more on a slower host): not in silence.
  const status = statusLine(io, 'opening the keystore: deriving the key from the passphrase (argon2id)', unlock.kind === 'passphrase' && !options.json);
  try {
    keystore = await openKeystore(path, unlock, { actor, approvals: cliApprovalGate(io) });
  } finally {
    status.finish();
    if (unlock.kind === 'master-key') wipe(unlock.masterKey);
  }
  try {
    return await fn(keystore, unlock);
  } finally {
    if (keystore.oldSealedBytesRemain()) io.err(`warning: ${oldBytesWarning(path)}\n`);
    keystore.close();
  }
}

/** After a destroy, an import that replaced keys or a master-key rotation whose checkpoint another reader held up (Keystore.checkpoint). */
export function oldBytesWarning(path: string): string {
  return (
    `another process (the app, or a second custos) was using ${path}, so SQLite could not yet finish writing the change into it: ` +
    'the sealed records just destroyed or replaced are still in the file or its -wal file. ' +
    "The file's old pages are written over (and the -wal file emptied) when the last process using the keystore closes it, " +
    'or at the next destroy, import or rotation whose checkpoint finishes.'
  );
}
