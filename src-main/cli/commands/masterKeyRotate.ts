import { Command } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { wipe } from '../../core/crypto/bytes.js';
import { OutputFile, pathExists } from '../../core/files/outputFile.js';
import { encodeMasterKey, generateMasterKey, parseMasterKeyFile } from '../../core/masterkey/masterKey.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { rotationPreview } from '../../core/keystore/rotation/preview.js';
import { methodsBlockingRotation, rotateMasterKey, type RotationResult } from '../../core/keystore/rotation/rotate.js';
import type { Rewrapper } from '../../core/keystore/rotation/rewrap.js';
import { rewrapperFor } from '../../core/keystore/methods/unwrap.js';
import { cliApprovalGate } from '../approvalGate.js';
import { readPin, vaultAccessOrNull } from '../methodCredentials.js';
import { readPassphraseFile } from '../secrets.js';
import { readUnlockMethods, type Unlock, type UnlockMethodRow } from '../../core/keystore/unlock.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit } from '../output.js';

interface RotateOptions extends CommonOptions {
  newMasterKeyFile?: string;
  newMasterKeyOut?: string;
  dropMethod?: string[];
  yes?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function methodId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new CustosError('INVALID_ARGUMENT', `--drop-method ${text}: expected a method id (see 'custos unlock-methods list')`);
  return id;
}

function readNewKey(path: string): Uint8Array {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read new master key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseMasterKeyFile(content, `new master key file ${path}`);
}

/**
 * Each method kind's rewrapper, from the credentials given on the command
 * line (or typed now). Vault KV and paper methods have none: they are dropped
 * (--drop-method) and added again after the rotation.
 */
async function rewrappersFor(methods: readonly UnlockMethodRow[], drop: readonly number[], unlock: Unlock, options: RotateOptions, io: CliIo): Promise<Map<number, Rewrapper>> {
  const map = new Map<number, Rewrapper>();
  let pin: string | null = null;
  for (const m of methods) {
    if (drop.includes(m.id)) continue;
    let rewrapper: Rewrapper | null = null;
    if (m.kind === 'passphrase') {
      let passphrase = unlock.kind === 'passphrase' ? unlock.passphrase : options.passphraseFile ? readPassphraseFile(options.passphraseFile) : null;
      if (passphrase === null && io.interactive) passphrase = await io.promptHidden(`Passphrase of unlock method ${m.id} (${m.label}), to re-wrap it: `);
      if (passphrase) rewrapper = rewrapperFor({ kind: 'passphrase', passphrase });
    } else if (m.kind === 'pkcs11') {
      if (pin === null && (options.pinFile || io.interactive)) pin = await readPin(options, io);
      if (pin !== null) rewrapper = rewrapperFor({ kind: 'pkcs11', pin }, cliApprovalGate(io));
    } else if (m.kind === 'vault-transit') {
      const vault = vaultAccessOrNull(options);
      if (vault) rewrapper = rewrapperFor({ kind: 'vault-transit', vault }, cliApprovalGate(io));
    }
    if (rewrapper) map.set(m.id, rewrapper);
  }
  return map;
}

function warning(ks: Keystore): { text: string; ceremonies: number } {
  const ceremonies = rotationPreview(ks).activeCeremonies;
  const text = [
    `Rotating the master key of vault ${ks.vaultFingerprint()} re-wraps every key record and unlock method, and re-roots the audit log.`,
    ceremonies > 0
      ? `OLD PAPER SHARES STOP WORKING: the ${ceremonies} paper ceremon${ceremonies === 1 ? 'y' : 'ies'} of this vault restore the old master key. Split new shares with 'custos paper split' right after.`
      : 'No paper ceremony is affected. Any copy of the old master key stops opening this vault.',
    'Backups made before now still open with the old master key or their own access keys; the audit transcripts get a new signing key.',
  ].join('\n');
  return { text, ceremonies };
}

/**
 * The new key is written to OUT.pending first and put at OUT only once the
 * rotation has committed: a crash before the commit leaves a key that does
 * not open the vault under the pending name only, never under OUT. A pending
 * file found at the start is an interrupted run's: one that was already put
 * in place (the same bytes at OUT) is removed; otherwise the person decides.
 */
function pendingKeyFile(out: string): OutputFile {
  const pending = `${resolve(out)}.pending`;
  if (pathExists(pending)) {
    let same = false;
    try {
      same = pathExists(out) && readFileSync(pending).equals(readFileSync(out));
    } catch {
      same = false;
    }
    if (!same) {
      throw new CustosError(
        'FILE_EXISTS',
        `${pending} holds the new master key of an interrupted rotation. If it opens the vault (custos info --master-key-file ${pending}), that rotation committed: rename it to ${out} and keep it safe; if it does not, delete it. Then run again`,
      );
    }
    rmSync(pending, { force: true });
  }
  return new OutputFile(out, false, '', pending);
}

/** After the commit: the new key must not be lost, so a failure to put it in place keeps the pending file and says where it is. */
function publishKey(file: OutputFile): void {
  try {
    file.publish();
  } catch (error) {
    const why = error instanceof CustosError ? error.message : String(error);
    throw new CustosError('FILE_IO', `the master key WAS rotated, but the new key could not be put at ${file.path} (${why}); it is in ${file.tempPath}: keep that file, it opens the vault now`, { cause: error });
  }
}

function summary(r: RotationResult, out: string | undefined): string {
  return [
    `rotated the master key: vault ${r.previousVaultFingerprint} is now ${r.vaultFingerprint}`,
    `  ${r.records} key records re-sealed${r.keks > 0 ? `, ${r.keks} KEKs re-sealed (the keys below them untouched)` : ''}; ${r.auditEntries} audit entries re-MACed; transcript key ${r.transcriptPublicKey}`,
    ...r.methods.map((m) => `  unlock method ${m.id} (${m.kind}, ${m.label}): ${m.action}`),
    r.supersededCeremonies > 0 ? `  ${r.supersededCeremonies} paper ceremonies superseded: split new shares now ('custos paper split')` : '',
    out ? `  the new master key is in ${out} (mode 0600)` : '',
  ].filter(Boolean).join('\n');
}

export function masterKeyRotateCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('rotate'))
    .description('replace the master key: re-wrap every key record and unlock method in one transaction')
    .option('--new-master-key-file <file>', 'use this new master key (base64, or 32 raw bytes) instead of a random one')
    .option('--new-master-key-out <file>', 'write the new random master key here (a new file, mode 0600; kept as FILE.pending until the rotation commits)')
    .option('--drop-method <id>', 'remove this unlock method instead of re-wrapping it (repeatable)', collect)
    .option('--yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Every key record is opened under the old master key and sealed under the new one, with the
same identity; the key check value and every unlock method are re-wrapped; the audit log gets
a 'master-key-rotate' entry and is re-MACed under the new root. All in one transaction: a
failure (a wrong passphrase, a tampered record, a log that fails verification) changes nothing.

Each unlock method is re-wrapped with its credentials: a passphrase method with --passphrase-file
(or typed), a pkcs11 method with --pin-file (or typed), a vault-transit method with the Vault
options. A method whose credentials are missing refuses the rotation (ROTATION_METHOD_UNAVAILABLE)
unless it is dropped with --drop-method ID; vault-kv and paper methods cannot be re-wrapped (the
KV secret or the shares hold the old key): drop them, then add them again. A random new key must go somewhere: --new-master-key-out,
unless an unlock method remains to open the vault.

OLD PAPER SHARES STOP WORKING: they restore the old master key. 'custos paper check' then says
a sheet is genuine but superseded; split new shares with 'custos paper split'.

Examples:
  custos master-key rotate --passphrase-file pass.txt --yes
  custos master-key rotate --new-master-key-out new.key --drop-method 2 --yes
  CUSTOS_MASTER_KEY=... custos master-key rotate --new-master-key-file new.key --yes --json`,
    )
    .action(async (options: RotateOptions) => {
      const drop = (options.dropMethod ?? []).map(methodId);
      if (!options.yes && !io.interactive) throw new CustosError('CONFIRMATION_REQUIRED', 'rotating the master key makes old paper shares and old copies of the key useless; pass --yes to confirm');
      if (options.newMasterKeyFile && options.newMasterKeyOut) throw new CustosError('INVALID_ARGUMENT', 'choose --new-master-key-file or --new-master-key-out, not both');
      const newKey = options.newMasterKeyFile ? readNewKey(options.newMasterKeyFile) : generateMasterKey();
      const file = options.newMasterKeyOut ? pendingKeyFile(options.newMasterKeyOut) : null;
      let committed = false;
      try {
        file?.write(Buffer.from(`${encodeMasterKey(newKey)}\n`));
        // Durable before the commit: once the vault is rotated, this file may be the only copy of its key.
        file?.seal();
        const result = await withKeystore(options, io, async (ks, unlock) => {
          const methods = ks.internal('read', (ctx) => readUnlockMethods(ctx.db));
          const remaining = methods.filter((m) => !drop.includes(m.id));
          if (!options.newMasterKeyFile && !file && remaining.length === 0) {
            throw new CustosError('INVALID_ARGUMENT', 'no unlock method would remain and the new random key would be known to nobody: pass --new-master-key-out FILE (or --new-master-key-file FILE)');
          }
          const { text } = warning(ks);
          if (!options.json) io.err(`${text}\n`);
          const rewrappers = await rewrappersFor(methods, drop, unlock, options, io);
          // Refuse before asking for confirmation when a method cannot be re-wrapped.
          const blocking = methodsBlockingRotation(methods, rewrappers, drop);
          if (blocking.length > 0) {
            const list = blocking.map((m) => `${m.id} (${m.kind}, ${m.label})`).join(', ');
            throw new CustosError('ROTATION_METHOD_UNAVAILABLE', `unlock method ${list} cannot be re-wrapped with the credentials given (a passphrase needs --passphrase-file, pkcs11 --pin-file, vault-transit Vault credentials; vault-kv and paper methods cannot be re-wrapped); nothing was rotated. Give them, or --drop-method ID and add it again afterwards`);
          }
          if (!options.yes) {
            const typed = await io.prompt("Type 'rotate' to replace the master key: ");
            if (typed.trim() !== 'rotate') throw new CustosError('CONFIRMATION_REQUIRED', 'confirmation not given; nothing was rotated');
          }
          const rotated = await rotateMasterKey(ks, { newMasterKey: newKey, rewrappers, drop });
          committed = true;
          return rotated;
        });
        if (file) publishKey(file);
        emit(io, options, { ...result, newMasterKeyFile: options.newMasterKeyOut ?? null, warning: 'old paper shares stop working; split new ones' }, () => summary(result, options.newMasterKeyOut));
      } finally {
        // Committed but not published: the pending file holds the only copy of the key; it stays.
        if (!committed || file?.isPublished) file?.discard();
        wipe(newKey);
      }
    });
}
