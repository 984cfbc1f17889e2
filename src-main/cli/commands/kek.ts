import { Command } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import type { KekInfo } from '../../core/keystore/kek/kekStore.js';
import { kekCreate, kekDestroy, kekDisable, kekEnable, kekList } from '../../core/keystore/kek/manage.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit, table } from '../output.js';

function kekTable(keks: KekInfo[]): string {
  if (keks.length === 0) return 'no KEKs: every key is wrapped by the master key';
  return table(['ID', 'SCOPE', 'OWNER', 'STATE', 'KEYS', 'FINGERPRINT', 'CREATED'], keks.map((k) => [String(k.id), k.scope, k.owner, k.state, String(k.keys), k.fingerprint, k.createdAt]));
}

function kekId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new CustosError('INVALID_ARGUMENT', `${text} is not a KEK id (see 'custos kek list')`);
  return id;
}

export function kekCommand(io: CliIo): Command {
  const command = new Command('kek')
    .description('key-encrypting keys between the master key and the keys, per client id or system')
    .addHelpText('after', '\nExamples:\n  custos kek create --client-id billing-svc\n  custos kek list');

  withKeystoreOptions(command.command('create'))
    .description("create a KEK; the client's (or, with keys generate --system, the system's) new keys go under it")
    .option('--client-id <id>', 'a KEK for this client id')
    .option('--system <name>', 'a KEK for this system name')
    .addHelpText(
      'after',
      `
Keys that exist already stay where they are; keys generated afterwards for that client id
(or with 'keys generate --system NAME') are sealed under the KEK. Disabling the KEK makes every
key below it unreadable; destroying it destroys them. Master-key rotation re-wraps the KEK only.

Examples:
  custos kek create --client-id billing-svc
  custos kek create --system payments`,
    )
    .action(async (options: CommonOptions & { clientId?: string; system?: string }) => {
      if ((options.clientId === undefined) === (options.system === undefined)) throw new CustosError('INVALID_ARGUMENT', 'choose exactly one of --client-id ID or --system NAME');
      const made = await withKeystore(options, io, (ks) => (options.clientId !== undefined ? kekCreate(ks, 'client', options.clientId) : kekCreate(ks, 'system', options.system ?? '')));
      emit(io, options, made, () => `created KEK ${made.id} for ${made.scope} ${made.owner} (${made.fingerprint})`);
    });

  withKeystoreOptions(command.command('list'))
    .description('list KEKs with their state and how many key versions each wraps')
    .addHelpText('after', '\nExamples:\n  custos kek list\n  custos kek list --json')
    .action(async (options: CommonOptions) => {
      const keks = await withKeystore(options, io, (ks) => kekList(ks));
      emit(io, options, keks, () => kekTable(keks));
    });

  withKeystoreOptions(command.command('disable'))
    .description('disable a KEK: every key below it is unreadable (KEK_DISABLED) until enabled')
    .argument('<id>', 'KEK id')
    .addHelpText('after', "\nExamples:\n  custos kek disable 1          # the id as 'custos kek list' shows it\n  custos kek disable 1 --json")
    .action(async (id: string, options: CommonOptions) => {
      const info = await withKeystore(options, io, (ks) => kekDisable(ks, kekId(id)));
      emit(io, options, info, () => `disabled KEK ${info.id} (${info.scope} ${info.owner}): ${info.keys} key versions below it are unreadable`);
    });

  withKeystoreOptions(command.command('enable'))
    .description('re-enable a disabled KEK')
    .argument('<id>', 'KEK id')
    .addHelpText('after', "\nExamples:\n  custos kek enable 1           # the id as 'custos kek list' shows it\n  custos kek enable 1 --json")
    .action(async (id: string, options: CommonOptions) => {
      const info = await withKeystore(options, io, (ks) => kekEnable(ks, kekId(id)));
      emit(io, options, info, () => `enabled KEK ${info.id} (${info.scope} ${info.owner})`);
    });

  withKeystoreOptions(command.command('destroy'))
    .description('destroy a KEK and every key version below it; cannot be undone')
    .argument('<id>', 'KEK id')
    .option('--yes', 'do not ask for confirmation')
    .addHelpText('after', "\nExamples:\n  custos kek destroy 1          # asks you to type the id, as 'custos kek list' shows it\n  custos kek destroy 1 --yes")
    .action(async (id: string, options: CommonOptions & { yes?: boolean }) => {
      const n = kekId(id);
      if (!options.yes) {
        if (!io.interactive) throw new CustosError('CONFIRMATION_REQUIRED', `destroying KEK ${n} destroys every key below it and cannot be undone; pass --yes to confirm`);
        if ((await io.prompt(`Destroying KEK ${n} destroys every key below it. Type the id to confirm: `)).trim() !== String(n)) throw new CustosError('CONFIRMATION_REQUIRED', 'the id typed did not match; nothing was destroyed');
      }
      const info = await withKeystore(options, io, (ks) => kekDestroy(ks, n));
      emit(io, options, info, () => `destroyed KEK ${info.id} (${info.scope} ${info.owner}) and the ${info.keys} key versions below it`);
    });

  return command;
}
