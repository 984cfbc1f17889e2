import { Command } from 'commander';
import { auditCommand } from './commands/audit/index.js';
import { bundleCommand } from './commands/bundleInspect.js';
import { exportCommand } from './commands/bundleExport.js';
import { importCommand } from './commands/bundleImport.js';
import { checkCommand } from './commands/check.js';
import { infoCommand } from './commands/info.js';
import { initCommand } from './commands/init.js';
import { keysCommand } from './commands/keys.js';
import { masterKeyCommand } from './commands/masterKey.js';
import { paperCommand } from './commands/paper/index.js';
import { unlockMethodsCommand } from './commands/unlockMethods.js';
import { kekCommand } from './commands/kek.js';
import type { CliIo } from './io.js';

const VERSION = '0.1.0';

function configureTree(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // Errors are reported once, by runCli, as `error CODE: message`.
      outputError: () => undefined,
    });
  for (const sub of command.commands) configureTree(sub, io);
}

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('custos')
    .description('Custos: an offline key vault for key ceremonies (SQLite keystore, Acra key catalogue)')
    .version(VERSION, '-V, --version')
    // Program options only before the command name: otherwise the program's
    // --version swallows `keys show|destroy --version N` and exits 0.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Environment:
  CUSTOS_KEYSTORE     keystore path (default ./custos.db)
  CUSTOS_MASTER_KEY   master key, base64 of 32 bytes (ACRA_MASTER_KEY is accepted too)
  CUSTOS_ACTOR        who is acting, recorded in the audit log (same as --actor)

Errors print as "error CODE: message" on stderr (or {"code","message"} on stdout with --json).
Exit status: 0 ok, 1 failure, 2 usage error.

Run "custos <command> --help" for each command.`,
    )
    .addCommand(masterKeyCommand(io))
    .addCommand(initCommand(io))
    .addCommand(infoCommand(io))
    .addCommand(keysCommand(io))
    .addCommand(checkCommand(io, setExitCode))
    .addCommand(paperCommand(io, setExitCode))
    .addCommand(exportCommand(io))
    .addCommand(importCommand(io))
    .addCommand(bundleCommand(io))
    .addCommand(auditCommand(io, setExitCode))
    .addCommand(unlockMethodsCommand(io))
    .addCommand(kekCommand(io));
  configureTree(program, io);
  return program;
}
