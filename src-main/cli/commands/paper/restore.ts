import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CustosError, isCustosError } from '../../../../shared/errors.js';
import type { AuditDraft } from '../../../core/audit/entry.js';
import { encodeBase64, wipe } from '../../../core/crypto/bytes.js';
import { openKeystore } from '../../../core/keystore/open.js';
import { requireMasterKeySize } from '../../../core/paper/paperVault.js';
import { restoreSecret } from '../../../core/paper/restore.js';
import { masterKeyCheck, vaultFingerprintOf } from '../../../core/masterkey/subkeys.js';
import { readPassphraseFile } from '../../secrets.js';
import type { CliIo } from '../../io.js';
import { ACTOR_HELP, keystorePath, resolveActor, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { collectShares, type ShareSourceOptions } from './inputs.js';
import { createFromShares, importCommandFor, planInit, shellQuote, type InitUnlockOptions } from './restoreInit.js';

interface RestoreOptions extends CommonOptions, ShareSourceOptions, InitUnlockOptions {
  sharePassphraseFile?: string;
  verify?: boolean;
  init?: boolean;
  print?: boolean;
  expectCheck?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A key check as typed from a sheet: dashes, spaces and case do not matter. */
export function normalizeCheck(text: string, what = `--expect-check ${text}`): string {
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new CustosError('INVALID_ARGUMENT', `${what}: expected the 16 hex digits of the sheet's 'Key check', e.g. 3f2a-91c0-aa10-77e1`);
  return hex;
}

/** Options that only make sense with --init are refused elsewhere, so an old habit (--passphrase-file for the shares) is not silently ignored. */
function checkModeOptions(options: RestoreOptions): void {
  const modes = [options.verify, options.init, options.print].filter(Boolean).length;
  if (modes > 1) throw new CustosError('INVALID_ARGUMENT', 'choose at most one of --verify, --init or --print');
  if (options.init) return;
  if (options.passphraseFile) {
    const why = options.verify ? '--verify opens the keystore with the recovered key and needs no keystore passphrase' : "--passphrase-file sets a new keystore's passphrase and applies only with --init";
    throw new CustosError('INVALID_ARGUMENT', `${why}; the shares' SLIP-0039 passphrase is --share-passphrase-file`);
  }
  for (const [flag, set] of [['--master-key-out', options.masterKeyOut], ['--kdf-memory-mib', options.kdfMemoryMib], ['--kdf-passes', options.kdfPasses]] as const) {
    if (set) throw new CustosError('INVALID_ARGUMENT', `${flag} applies only with --init`);
  }
}

/** The share options as given, so a next command can repeat them exactly (typed shares need none). */
function shareArgs(options: RestoreOptions): string[] {
  return [
    ...(options.shareFile ?? []).flatMap((f) => ['--share-file', f]),
    ...(options.qrImage ?? []).flatMap((f) => ['--qr-image', f]),
    ...(options.sharesStdin ? ['--shares-stdin'] : []),
    ...(options.sharePassphraseFile ? ['--share-passphrase-file', options.sharePassphraseFile] : []),
  ].map(shellQuote);
}

function noKeystoreToVerify(path: string, options: RestoreOptions): CustosError {
  const init = ['custos', 'paper', 'restore', ...shareArgs(options), '--init', '--keystore', shellQuote(path), '--expect-check', 'KEY-CHECK'].join(' ');
  return new CustosError(
    'KEYSTORE_NOT_FOUND',
    `no keystore at ${path} to verify the shares against. On a host without the vault's keystore, make it from the shares: '${init}' (KEY-CHECK as printed on the sheets). Do not create an empty keystore first: it would have a different master key`,
  );
}

export function paperRestoreCommand(io: CliIo): Command {
  return new Command('restore')
    .description('combine shares (typed, from files, or scanned) to recover the master key; with no mode, only show its fingerprint and key check')
    .option('--share-file <file>', 'a file holding one share (repeatable)', collect)
    .option('--qr-image <image>', 'a PNG or JPEG scan of a sheet, or the PDF sheet itself (repeatable)', collect)
    .option('--shares-stdin', 'read shares from standard input, one per line')
    .option('--share-passphrase-file <file>', 'the SLIP-0039 passphrase, if the shares were made with one')
    .option('--expect-check <value>', "the 'Key check' printed on the sheets (dashes, spaces and case do not matter): refuse to go on if the recovered key differs (asked for with --init)")
    .option('--verify', 'check the recovered key unlocks the keystore (--keystore)')
    .option('--init', 'create a new keystore (--keystore) on this host with the recovered master key')
    .option('--print', 'print the recovered secret as base64 on standard output (any SLIP-0039 secret)')
    .option('--keystore <path>', 'keystore for --verify or --init (default: $CUSTOS_KEYSTORE or ./custos.db)')
    .option('--passphrase-file <file>', "with --init: the new keystore's passphrase (at a terminal it is asked twice instead)")
    .option('--master-key-out <file>', 'with --init: also write the recovered master key to this new file (mode 0600), to unlock with --master-key-file')
    .option('--kdf-memory-mib <n>', 'with a passphrase: argon2id memory (default 256)')
    .option('--kdf-passes <n>', 'with a passphrase: argon2id passes (default: calibrated to about one second)')
    .option('--actor <name>', ACTOR_HELP)
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
With no mode, the key is recovered, its vault fingerprint and key check are shown for
comparison with the sheets, nothing is written, and the next command is named.
Any number of shares may be given: more than needed is fine (a second subset must agree),
a share given twice counts once, shares from another ceremony are named, and too few
shares says how many more each group needs. With no share option at a terminal, each
share is typed (hidden) and checked as soon as it is entered.

Examples:
  custos paper restore                                             # type the shares; shows the key check
  custos paper restore --share-file a.txt --share-file b.txt --share-file c.txt --verify
  custos paper restore --shares-stdin --init --keystore restored.db --expect-check 3f2a-91c0-aa10-77e1 --passphrase-file pass.txt < shares.txt
  custos paper restore --qr-image s1.png --qr-image s2.png --init --expect-check 3f2a91c0aa1077e1 --master-key-out master.key
  custos paper restore --shares-stdin --print < shares.txt         # e.g. for ACRA_MASTER_KEY`,
    )
    .action(async (options: RestoreOptions) => {
      checkModeOptions(options);
      const actor = resolveActor(options, io);
      const expected = options.expectCheck === undefined ? null : normalizeCheck(options.expectCheck);
      const path = keystorePath(options, io);
      if (options.verify && !existsSync(resolve(path))) throw noKeystoreToVerify(resolve(path), options);
      // A new keystore must not be built on the wrong key: a wrong SLIP-0039 passphrase gives another
      // secret without any error, and a 1-of-1 share has no digest, so whoever wrote it chose the key.
      if (options.init && expected === null && !io.interactive) throw new CustosError('INVALID_ARGUMENT', "--init needs --expect-check VALUE: the 'Key check' printed on the sheets");
      const plan = options.init ? planInit(options, path, io) : null;
      const passphrase = options.sharePassphraseFile ? readPassphraseFile(options.sharePassphraseFile) : '';
      try {
        const result = restoreSecret(await collectShares(options, io), passphrase);
        for (const note of result.notes) io.err(`note: ${note}\n`);
        try {
          const is32 = result.secret.length === 32;
          const base = { identifier: result.identifier, sharesUsed: result.used, notes: result.notes, masterKeyCheck: is32 ? masterKeyCheck(result.secret) : null, vaultFingerprint: is32 ? vaultFingerprintOf(result.secret) : null };
          if (options.print) {
            if (base.masterKeyCheck) io.err(`key check: ${base.masterKeyCheck} (compare with the sheets)\n`);
            io.err('warning: the recovered secret follows on standard output; anyone who sees it holds the key\n');
            const secret = encodeBase64(result.secret);
            emit(io, options, { ...base, secret }, () => secret);
            return;
          }
          const masterKey = requireMasterKeySize(result.secret);
          const check = masterKeyCheck(masterKey);
          const expect = expected ?? (options.init ? normalizeCheck(await io.prompt("Type the 'Key check' printed on the sheets: "), 'the key check typed') : null);
          if (expect !== null && expect !== check.replace(/-/g, '')) {
            throw new CustosError('WRONG_MASTER_KEY', `the recovered key's check value is ${check}, not ${options.expectCheck ?? expect}: a wrong SLIP-0039 passphrase or shares of another vault; nothing was written`);
          }
          // With no mode the check is the result itself, on standard output.
          if (options.verify || options.init) io.err(`recovered master key check: ${check} (compare with 'Key check' on the sheets)\n`);
          const restored = (mode: string) => ({ operation: 'paper-restore' as const, subject: { mode, identifier: result.identifier, sharesUsed: result.used.length, sources: result.used } });
          if (options.verify) {
            const vault = await verify(path, masterKey, check, actor, restored('verify'));
            emit(io, options, { ...base, verified: true, keystore: path, vaultFingerprint: vault }, () => `the recovered master key unlocks ${path} (vault ${vault})`);
            return;
          }
          if (plan) {
            const created = await createFromShares(plan, options, masterKey, io, { actor, audit: [restored('init')] });
            const next = importCommandFor(created, options);
            emit(io, options, { ...base, created: created.path, keystoreId: created.keystoreId, unlock: created.unlock, masterKeyFile: created.masterKeyFile, next }, () =>
              [
                `created keystore ${created.path} (vault ${base.vaultFingerprint ?? '?'}) with the recovered master key`,
                `unlock it with: ${created.masterKeyFile ? `the master key in ${created.masterKeyFile} (--master-key-file; mode 0600: keep it as safe as the sheets)` : ''}${created.unlock.length > 1 ? ' or ' : ''}${created.unlock.includes('passphrase') ? 'its new passphrase' : ''}`,
                'next, import the backup bundle written on the ceremony host:',
                `  ${next}`,
              ].join('\n'),
            );
            return;
          }
          const again = shareArgs(options);
          const next = [
            ['custos', 'paper', 'restore', ...again, '--verify', ...(options.keystore ? ['--keystore', shellQuote(options.keystore)] : [])].join(' '),
            ['custos', 'paper', 'restore', ...again, '--init', ...(options.keystore ? ['--keystore', shellQuote(options.keystore)] : []), '--expect-check', check].join(' '),
          ];
          emit(io, options, { ...base, written: false, next }, () =>
            [
              `recovered the master key of vault ${base.vaultFingerprint ?? '?'}; nothing was written`,
              `key check: ${check}${expect !== null ? ' (matches --expect-check)' : " (compare with 'Key check' on the sheets)"}`,
              'next, with the same shares:',
              `  where the vault's keystore is at hand: ${next[0] ?? ''}`,
              `  on a new host (makes the keystore):    ${next[1] ?? ''}`,
            ].join('\n'),
          );
        } finally {
          wipe(result.secret);
        }
      } finally {
        plan?.keyFile?.discard();
      }
    });
}

async function verify(path: string, masterKey: Uint8Array, check: string, actor: string | null, entry: AuditDraft): Promise<string> {
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
  try {
    const vault = keystore.vaultFingerprint();
    keystore.record(entry);
    return vault;
  } finally {
    keystore.close();
  }
}
