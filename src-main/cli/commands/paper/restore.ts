import { Command } from 'commander';
import { CustosError, isCustosError } from '../../../../shared/errors.js';
import { encodeBase64, wipe } from '../../../core/crypto/bytes.js';
import { createKeystore } from '../../../core/keystore/create.js';
import { openKeystore } from '../../../core/keystore/open.js';
import { requireMasterKeySize } from '../../../core/paper/paperVault.js';
import { restoreSecret } from '../../../core/paper/restore.js';
import { masterKeyCheck } from '../../../core/masterkey/subkeys.js';
import { kdfParams } from '../init.js';
import { readPassphraseFile } from '../../secrets.js';
import type { CliIo } from '../../io.js';
import { ACTOR_HELP, keystorePath, resolveActor, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { collectShares, type ShareSourceOptions } from './inputs.js';

interface RestoreOptions extends CommonOptions, ShareSourceOptions {
  passphraseFile?: string;
  verify?: boolean;
  init?: boolean;
  print?: boolean;
  keystorePassphraseFile?: string;
  kdfMemoryMib?: string;
  kdfPasses?: string;
  expectCheck?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function paperRestoreCommand(io: CliIo): Command {
  return new Command('restore')
    .description('combine shares (typed, from files, or scanned) to recover the master key')
    .option('--share-file <file>', 'a file holding one share (repeatable)', collect)
    .option('--qr-image <image>', 'a PNG or JPEG scan of a sheet (repeatable)', collect)
    .option('--shares-stdin', 'read shares from standard input, one per line')
    .option('--passphrase-file <file>', 'the SLIP-0039 passphrase, if the shares were made with one')
    .option('--verify', 'check the recovered key unlocks the keystore (--keystore)')
    .option('--init', 'create a new keystore (--keystore) on this host with the recovered master key')
    .option('--print', 'print the recovered secret as base64 on standard output (any SLIP-0039 secret)')
    .option('--keystore <path>', 'keystore for --verify or --init (default: $CUSTOS_KEYSTORE or ./custos.db)')
    .option('--keystore-passphrase-file <file>', 'with --init: also let this passphrase unlock the new keystore')
    .option('--kdf-memory-mib <n>', 'with --keystore-passphrase-file: argon2id memory (default 256)')
    .option('--kdf-passes <n>', 'with --keystore-passphrase-file: argon2id passes (default: calibrated to about one second)')
    .option('--expect-check <value>', "the 'Key check' printed on the sheets: refuse to go on if the recovered key differs (required with --init)")
    .option('--actor <name>', ACTOR_HELP)
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Any number of shares may be given: more than needed is fine (a second subset must agree),
a share given twice counts once, shares from another ceremony are named, and too few
shares says how many more each group needs. With no share option at a terminal, each
share is typed (hidden) and checked as soon as it is entered.

Examples:
  custos paper restore --share-file a.txt --share-file b.txt --share-file c.txt --verify
  custos paper restore --qr-image s1.png --qr-image s2.png --qr-image s3.png --init --keystore restored.db --expect-check 3f2a-91c0-aa10-77e1
  custos paper restore --shares-stdin --print < shares.txt     # e.g. for ACRA_MASTER_KEY`,
    )
    .action(async (options: RestoreOptions) => {
      const modes = [options.verify, options.init, options.print].filter(Boolean).length;
      if (modes !== 1) throw new CustosError('INVALID_ARGUMENT', 'choose one of --verify, --init or --print');
      const actor = resolveActor(options, io);
      const passphrase = options.passphraseFile ? readPassphraseFile(options.passphraseFile) : '';
      const inputs = await collectShares(options, io);
      const result = restoreSecret(inputs, passphrase);
      for (const note of result.notes) io.err(`note: ${note}\n`);
      try {
        const base = { identifier: result.identifier, sharesUsed: result.used, notes: result.notes, masterKeyCheck: result.secret.length === 32 ? masterKeyCheck(result.secret) : null };
        if (options.print) {
          io.err('warning: the recovered secret follows on standard output; anyone who sees it holds the key\n');
          const secret = encodeBase64(result.secret);
          emit(io, options, { ...base, secret }, () => secret);
          return;
        }
        const masterKey = requireMasterKeySize(result.secret);
        const check = masterKeyCheck(masterKey);
        // A new keystore must not be built on the wrong key: a wrong SLIP-0039 passphrase gives another
        // secret without any error, and a 1-of-1 share has no digest, so whoever wrote it chose the key.
        if (options.init && options.expectCheck === undefined) {
          if (!io.interactive) throw new CustosError('INVALID_ARGUMENT', "--init needs --expect-check VALUE: the 'Key check' printed on the sheets");
          options.expectCheck = await io.prompt("Type the 'Key check' printed on the sheets: ");
        }
        if (options.expectCheck !== undefined && options.expectCheck.trim().toLowerCase() !== check) {
          throw new CustosError(
            'WRONG_MASTER_KEY',
            `the recovered key's check value is ${check}, not ${options.expectCheck}: a wrong SLIP-0039 passphrase or shares of another vault; nothing was written`,
          );
        }
        io.err(`recovered master key check: ${check} (compare with 'Key check' on the sheets)\n`);
        const path = keystorePath(options, io);
        const restored = (mode: string) => ({ operation: 'paper-restore' as const, subject: { mode, identifier: result.identifier, sharesUsed: result.used.length, sources: result.used } });
        if (options.verify) {
          const keystore = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }, { actor }).catch((error: unknown) => {
            if (!isCustosError(error) || error.code !== 'WRONG_MASTER_KEY') throw error;
            // Without the current key the keystore cannot say which it is; 'paper check' can.
            const unrecorded = /\(the failed attempt could not be recorded[^)]*\)/.exec(error.message)?.[0];
            throw new CustosError(
              'WRONG_MASTER_KEY',
              `the recovered key (check ${check}) does not unlock ${path}: shares from before a master-key rotation, shares of another vault, or a wrong SLIP-0039 passphrase. 'custos paper check' on one share, with this vault unlocked, says whether it is genuine but superseded; nothing was changed${unrecorded ? ` ${unrecorded}` : ''}`,
              { cause: error },
            );
          });
          let vault: string;
          try {
            vault = keystore.vaultFingerprint();
            keystore.record(restored('verify'));
          } finally {
            keystore.close();
          }
          emit(io, options, { ...base, verified: true, keystore: path, vaultFingerprint: vault }, () => `the recovered master key unlocks ${path} (vault ${vault})`);
          return;
        }
        const keystorePassphrase = options.keystorePassphraseFile ? readPassphraseFile(options.keystorePassphraseFile) : null;
        const params = keystorePassphrase === null ? undefined : await kdfParams(options);
        const created = await createKeystore(path, {
          masterKey,
          passphrase: params && keystorePassphrase !== null ? { text: keystorePassphrase, params } : undefined,
          actor,
          auditAlso: [restored('init')],
        });
        emit(io, options, { ...base, created: created.path, keystoreId: created.keystoreId }, () =>
          `created keystore ${created.path} with the recovered master key; import a backup bundle into it with 'custos import'`,
        );
      } finally {
        wipe(result.secret);
      }
    });
}
