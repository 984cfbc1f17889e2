import { Command } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { moduleRealPath, vaultTarget, type ApprovalTarget } from '../../core/config/approvals.js';
import { approveInConfig, configPath, readCliConfig, revokeInConfig } from '../../core/config/cliConfig.js';
import type { CliIo } from '../io.js';
import { readSecretFile } from '../methodCredentials.js';
import { emit } from '../output.js';

interface JsonOption {
  json?: boolean | undefined;
}

function vaultFor(address: string, caFile: string | undefined): ApprovalTarget {
  const url = (() => {
    try {
      return new URL(address);
    } catch {
      throw new CustosError('INVALID_ARGUMENT', `${address} is not a Vault address (https://host:port)`);
    }
  })();
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CustosError('INVALID_ARGUMENT', 'a Vault address is https://host:port');
  return vaultTarget(address, caFile ? readSecretFile(caFile, 'Vault CA file') : null);
}

const HELP = `
A vault file is data, not code: the PKCS#11 module and the Vault server that a
stored unlock method names are used only once this installation approves them.
The approvals live in your configuration file (shown by 'custos config path';
$CUSTOS_CONFIG or $XDG_CONFIG_HOME/custos/config.json), never in a vault.
At a terminal, Custos asks before it uses something new; a script gets
NOT_APPROVED with the command to run.

Examples:
  custos config show
  custos config approve-module /usr/lib/softhsm/libsofthsm2.so
  custos config approve-vault https://vault.example:8200 --vault-ca-file ca.pem
  custos config revoke-module /usr/lib/softhsm/libsofthsm2.so`;

export function configCommand(io: CliIo): Command {
  const path = () => configPath(io.env);
  const command = new Command('config').description('approve the PKCS#11 modules and Vault servers that unlock methods may use').addHelpText('after', HELP);

  command
    .command('path')
    .description("print where this user's configuration file is")
    .addHelpText('after', '\nExamples:\n  custos config path')
    .action(() => io.out(`${path()}\n`));

  command
    .command('show')
    .description('list the approved PKCS#11 modules and Vault servers')
    .addHelpText('after', '\nExamples:\n  custos config show\n  custos config show --json')
    .option('--json', 'machine-readable output')
    .action((options: JsonOption) => {
      const { approved } = readCliConfig(path());
      emit(io, options, approved, () =>
        [
          `configuration: ${path()}`,
          'approved PKCS#11 modules:',
          ...(approved.pkcs11Modules.length ? approved.pkcs11Modules.map((m) => `  ${m}`) : ['  (none)']),
          'approved Vault servers:',
          ...(approved.vaultServers.length ? approved.vaultServers.map((v) => `  ${v.endpoint}  CA ${v.caSha256 ?? 'system roots'}`) : ['  (none)']),
        ].join('\n'),
      );
    });

  command
    .command('approve-module')
    .description('approve a PKCS#11 module (library) for unlock methods: it will run inside Custos')
    .addHelpText('after', '\nExamples:\n  custos config approve-module /usr/lib/softhsm/libsofthsm2.so')
    .argument('<path>', 'the library file; its real path (symlinks resolved) is what is recorded')
    .option('--json', 'machine-readable output')
    .action((modulePath: string, options: JsonOption) => {
      const target: ApprovalTarget = { kind: 'pkcs11-module', path: moduleRealPath(modulePath) };
      approveInConfig(path(), target);
      emit(io, options, target, () => `approved PKCS#11 module ${target.kind === 'pkcs11-module' ? target.path : ''}`);
    });

  command
    .command('approve-vault')
    .description('approve a Vault server address, with the CA that vouches for it')
    .addHelpText('after', '\nExamples:\n  custos config approve-vault https://vault.example:8200 --vault-ca-file ca.pem\n  custos config approve-vault https://vault.example:8200')
    .argument('<address>', 'https://host:port, as the unlock method stores it')
    .option('--vault-ca-file <file>', "PEM of the private CA used with this server (default: the system's roots)")
    .option('--json', 'machine-readable output')
    .action((address: string, options: JsonOption & { vaultCaFile?: string }) => {
      const target = vaultFor(address, options.vaultCaFile);
      approveInConfig(path(), target);
      emit(io, options, target, () => (target.kind === 'vault-server' ? `approved Vault server ${target.endpoint} (CA ${target.caSha256 ?? 'system roots'})` : ''));
    });

  command
    .command('revoke-module')
    .description('withdraw the approval of a PKCS#11 module')
    .addHelpText('after', '\nExamples:\n  custos config revoke-module /usr/lib/softhsm/libsofthsm2.so')
    .argument('<path>', 'the library file as approved (or a symlink to it)')
    .action((modulePath: string) => {
      let real = modulePath;
      try {
        real = moduleRealPath(modulePath);
      } catch {
        // A module deleted since: its recorded path is revoked as written.
      }
      const removed = revokeInConfig(path(), (t) => t.kind === 'pkcs11-module' && t.path === real);
      if (removed === 0) throw new CustosError('INVALID_ARGUMENT', `${modulePath} is not an approved module (see 'custos config show')`);
      io.out(`revoked PKCS#11 module ${real}\n`);
    });

  command
    .command('revoke-vault')
    .description('withdraw every approval of a Vault server address')
    .addHelpText('after', '\nExamples:\n  custos config revoke-vault https://vault.example:8200')
    .argument('<address>', 'https://host:port')
    .action((address: string) => {
      const endpoint = vaultFor(address, undefined);
      const removed = revokeInConfig(path(), (t) => t.kind === 'vault-server' && endpoint.kind === 'vault-server' && t.endpoint === endpoint.endpoint);
      if (removed === 0) throw new CustosError('INVALID_ARGUMENT', `${address} is not an approved Vault server (see 'custos config show')`);
      io.out(`revoked ${removed} approval(s) of ${address}\n`);
    });

  return command;
}
