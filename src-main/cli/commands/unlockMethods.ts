import { Command, Option } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { METHOD_KINDS, type MethodKind } from '../../core/keystore/methods/kinds.js';
import { addUnlockMethod, listUnlockMethods, removeUnlockMethod, type MethodInfo } from '../../core/keystore/methods/manage.js';
import type { MethodSpec } from '../../core/keystore/methods/prepare.js';
import type { CliIo } from '../io.js';
import { cliApprovalGate } from '../approvalGate.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { readPin, readSecretFile, vaultAccess } from '../methodCredentials.js';
import { emit, table } from '../output.js';
import { statusLine } from '../progress.js';
import { kdfParams } from './init.js';

interface AddOptions extends CommonOptions {
  kind: MethodKind;
  label?: string;
  newPassphraseFile?: string;
  kdfMemoryMib?: string;
  kdfPasses?: string;
  pkcs11Module?: string;
  tokenLabel?: string;
  slot?: string;
  keyLabel?: string;
  generateKey?: boolean;
  vaultAddr?: string;
  transitKey?: string;
  transitMount?: string;
  kvMount?: string;
  kvPath?: string;
  kvField?: string;
  write?: boolean;
  overwrite?: boolean;
  ceremony?: string;
}

function methodTable(methods: MethodInfo[]): string {
  const rows = methods.map((m) => [String(m.id), m.kind, m.label, m.createdAt, where(m)]);
  return [table(['ID', 'KIND', 'LABEL', 'ADDED', 'WHERE'], [['-', 'master-key', '(always: the raw master key)', '-', '-'], ...rows])].join('\n');
}

function where(m: MethodInfo): string {
  const p = m.params;
  if (m.kind === 'pkcs11') return `${String(p['modulePath'])} key "${String(p['keyLabel'])}"`;
  if (m.kind === 'vault-transit') return `${String(p['endpoint'])} ${String(p['mount'])}/${String(p['keyName'])}`;
  if (m.kind === 'vault-kv') return `${String(p['endpoint'])} ${String(p['mount'])}/${String(p['path'])}#${String(p['field'])}`;
  if (m.kind === 'paper') return `ceremony ${String(p['ceremonyId'])}`;
  return `argon2id ${String(p['memoryKiB'])} KiB x${String(p['iterations'])}`;
}

function need(value: string | undefined, flag: string, kind: string): string {
  if (value === undefined || value === '') throw new CustosError('INVALID_ARGUMENT', `--kind ${kind} needs ${flag}`);
  return value;
}

async function newPassphrase(options: AddOptions, io: CliIo): Promise<string> {
  if (options.newPassphraseFile) return readSecretFile(options.newPassphraseFile, 'new passphrase file');
  if (!io.interactive) throw new CustosError('INVALID_ARGUMENT', '--kind passphrase needs --new-passphrase-file FILE (or run at a terminal)');
  const first = await io.promptHidden('New passphrase: ');
  if (first.length === 0) throw new CustosError('INVALID_ARGUMENT', 'the passphrase is empty');
  if ((await io.promptHidden('Repeat passphrase: ')) !== first) throw new CustosError('INVALID_ARGUMENT', 'the two passphrases differ');
  return first;
}

async function specFrom(options: AddOptions, io: CliIo): Promise<MethodSpec> {
  const label = options.label;
  switch (options.kind) {
    case 'passphrase': {
      const passphrase = await newPassphrase(options, io);
      // Calibration runs argon2id several times (seconds): not in silence at a terminal.
      const status = statusLine(io, 'calibrating argon2id for the new passphrase', !options.json);
      try {
        return { kind: 'passphrase', label, passphrase, params: await kdfParams(options, () => status.step()) };
      } finally {
        status.finish();
      }
    }
    case 'pkcs11': {
      if ((options.tokenLabel === undefined) === (options.slot === undefined)) throw new CustosError('INVALID_ARGUMENT', '--kind pkcs11 needs exactly one of --token-label or --slot');
      const slot = Number(options.slot);
      if (options.slot !== undefined && (!Number.isInteger(slot) || slot < 0)) throw new CustosError('INVALID_ARGUMENT', '--slot is a slot index (0, 1, …)');
      const token = options.tokenLabel !== undefined ? { label: options.tokenLabel } : { slotIndex: slot };
      return { kind: 'pkcs11', label, modulePath: need(options.pkcs11Module, '--pkcs11-module', 'pkcs11'), token, keyLabel: need(options.keyLabel, '--key-label', 'pkcs11'), generate: Boolean(options.generateKey), pin: await readPin(options, io) };
    }
    case 'vault-transit':
      return { kind: 'vault-transit', label, endpoint: need(options.vaultAddr, '--vault-addr', 'vault-transit'), keyName: need(options.transitKey, '--transit-key', 'vault-transit'), mount: options.transitMount, vault: vaultAccess(options) };
    case 'vault-kv':
      return { kind: 'vault-kv', label, endpoint: need(options.vaultAddr, '--vault-addr', 'vault-kv'), path: need(options.kvPath, '--kv-path', 'vault-kv'), mount: options.kvMount, field: options.kvField, write: options.write, overwrite: options.overwrite, vault: vaultAccess(options) };
    case 'paper':
      return { kind: 'paper', label, ceremonyId: need(options.ceremony, '--ceremony', 'paper') };
  }
}

export function unlockMethodsCommand(io: CliIo): Command {
  const command = new Command('unlock-methods')
    .description('list, add and remove the ways to unlock a keystore (passphrase, HSM, Vault, paper)')
    .addHelpText('after', '\nExamples:\n  custos unlock-methods list\n  custos unlock-methods add --kind passphrase --label deputy\n  custos unlock-methods remove 2');

  withKeystoreOptions(command.command('list'))
    .description('list the unlock methods; the raw master key always unlocks too')
    .addHelpText('after', '\nExamples:\n  custos unlock-methods list\n  custos unlock-methods list --json')
    .action(async (options: CommonOptions) => {
      const methods = await withKeystore(options, io, (ks) => listUnlockMethods(ks));
      emit(io, options, methods, () => methodTable(methods));
    });

  withKeystoreOptions(command.command('add'))
    .description('add a method that wraps (or holds) the master key; it is checked to open before it is stored')
    .addOption(new Option('--kind <kind>', 'what kind of method').choices(METHOD_KINDS).makeOptionMandatory())
    .option('--label <text>', 'a name for people (default: from the kind)')
    .option('--new-passphrase-file <file>', 'passphrase: the new passphrase (default: typed twice)')
    .option('--kdf-memory-mib <n>', 'passphrase: argon2id memory, MiB (default 256)')
    .option('--kdf-passes <n>', 'passphrase: argon2id passes (default: calibrated to about one second)')
    .option('--pkcs11-module <path>', 'pkcs11: the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so')
    .option('--token-label <label>', 'pkcs11: the token, by label')
    .option('--slot <index>', 'pkcs11: the token, by slot index')
    .option('--key-label <label>', 'pkcs11: the AES-256 wrapping key on the token')
    .option('--generate-key', 'pkcs11: generate that key in the HSM (non-extractable); without it, use an existing key (hold your own key)')
    .option('--vault-addr <url>', 'vault-transit, vault-kv: https://vault:8200')
    .option('--transit-key <name>', 'vault-transit: the transit key')
    .option('--transit-mount <mount>', 'vault-transit: where transit is mounted (default transit)')
    .option('--kv-mount <mount>', 'vault-kv: where KV v2 is mounted (default secret)')
    .option('--kv-path <path>', 'vault-kv: the secret path')
    .option('--kv-field <field>', 'vault-kv: the field holding base64 of the master key (default master_key)')
    .option('--write', 'vault-kv: store the master key there now (refused if the secret exists)')
    .option('--overwrite', 'vault-kv: with --write, replace an existing secret version')
    .option('--ceremony <id>', "paper: a recorded ceremony ('custos paper split')")
    .addHelpText(
      'after',
      `
The PIN (--pin-file) and the Vault credentials (--vault-token-file, or --vault-role-id with
--vault-secret-id-file; --vault-ca-file) are used, never stored. The same options unlock a
keystore with such a method: --unlock-method ID|KIND on every keystore command.

Examples:
  custos unlock-methods add --kind pkcs11 --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token-label custos --key-label custos-root --generate-key --pin-file pin.txt
  custos unlock-methods add --kind vault-transit --vault-addr https://vault:8200 --transit-key custos --vault-token-file token --vault-ca-file ca.pem
  custos unlock-methods add --kind vault-kv --vault-addr https://vault:8200 --kv-path acra/master --write --vault-token-file token
  custos unlock-methods add --kind passphrase --new-passphrase-file second.txt --label "deputy"
  custos unlock-methods add --kind paper --ceremony 3f9a07c2`,
    )
    .action(async (options: AddOptions) => {
      const spec = await specFrom(options, io);
      const added = await withKeystore(options, io, (ks) => addUnlockMethod(ks, spec, undefined, cliApprovalGate(io)));
      emit(io, options, added, () => `added unlock method ${added.id} (${added.kind}, ${added.label})`);
    });

  withKeystoreOptions(command.command('remove'))
    .description('remove an unlock method (never the last one; the raw master key always unlocks)')
    .argument('<id>', "the method's id (see 'custos unlock-methods list')")
    .option('--yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExamples:\n  custos unlock-methods remove 2          # asks you to confirm\n  custos unlock-methods remove 2 --yes')
    .action(async (idText: string, options: CommonOptions & { yes?: boolean }) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1) throw new CustosError('INVALID_ARGUMENT', `${idText} is not a method id`);
      if (!options.yes) {
        if (!io.interactive) throw new CustosError('CONFIRMATION_REQUIRED', `removing unlock method ${id} cannot be undone; pass --yes to confirm`);
        if ((await io.prompt(`Type the id (${id}) to remove that unlock method: `)).trim() !== String(id)) throw new CustosError('CONFIRMATION_REQUIRED', 'the id typed did not match; nothing was removed');
      }
      const removed = await withKeystore(options, io, (ks) => removeUnlockMethod(ks, id));
      emit(io, options, removed, () => `removed unlock method ${removed.id} (${removed.kind}, ${removed.label})`);
    });

  return command;
}
