import { Command } from 'commander';
import type { CliIo } from './io.js';
import { orderHelpGroups } from './helpGroups.js';
import { VERSION } from './version.js';

type SetExitCode = (code: number) => void;

interface TopCommand {
  name: string;
  /** The line the top-level help shows; a test checks it equals the command's own description. */
  summary: string;
  load(io: CliIo, setExitCode: SetExitCode): Promise<Command>;
}

/**
 * The commands, each imported only when it is the one run: a command module
 * pulls in the core it needs (SQLite, Chromium's driver, the KDFs), and
 * loading all of them made `custos --version` take a second.
 */
export const TOP_COMMANDS: readonly TopCommand[] = [
  { name: 'master-key', summary: "generate master keys, or rotate a keystore's master key", load: async (io) => (await import('./commands/masterKey.js')).masterKeyCommand(io) },
  { name: 'init', summary: 'create a new, empty keystore (never overwrites an existing file)', load: async (io) => (await import('./commands/init.js')).initCommand(io) },
  {
    name: 'info',
    summary: "show the vault (name, fingerprint, key check), its paper ceremonies and audit head, and the keystore's file, schema and unlock methods",
    load: async (io) => (await import('./commands/info.js')).infoCommand(io),
  },
  { name: 'keys', summary: 'generate, list, rotate, disable and destroy keys', load: async (io) => (await import('./commands/keys.js')).keysCommand(io) },
  { name: 'check', summary: 'open every sealed record and report each problem (exit 1 if any)', load: async (io, set) => (await import('./commands/check.js')).checkCommand(io, set) },
  { name: 'paper', summary: 'paper backups of the master key: SLIP-0039 shares on printed sheets', load: async (io, set) => (await import('./commands/paper/index.js')).paperCommand(io, set) },
  {
    name: 'export',
    summary: 'write keys to an encrypted, signed bundle, and the fresh access keys that open it to a separate file',
    load: async (io) => (await import('./commands/bundleExport.js')).exportCommand(io),
  },
  {
    name: 'import',
    summary: "import a bundle into this keystore: verified, re-sealed under this keystore's master key, in one transaction",
    load: async (io) => (await import('./commands/bundleImport.js')).importCommand(io),
  },
  { name: 'bundle', summary: 'look at backup bundles without importing them', load: async (io) => (await import('./commands/bundleInspect.js')).bundleCommand(io) },
  {
    name: 'audit',
    summary: 'the tamper-evident audit log: list, verify, show the head, export signed transcripts',
    load: async (io, set) => (await import('./commands/audit/index.js')).auditCommand(io, set),
  },
  {
    name: 'unlock-methods',
    summary: 'list, add and remove the ways to unlock a keystore (passphrase, HSM, Vault, paper)',
    load: async (io) => (await import('./commands/unlockMethods.js')).unlockMethodsCommand(io),
  },
  { name: 'config', summary: 'approve the PKCS#11 modules and Vault servers that unlock methods may use', load: async (io) => (await import('./commands/config.js')).configCommand(io) },
  { name: 'kek', summary: 'key-encrypting keys between the master key and the keys, per client id or system', load: async (io) => (await import('./commands/kek.js')).kekCommand(io) },
  {
    name: 'acra',
    summary: "Acra's own key storage: write and read .acrakeys folders (keystore v1) that AcraServer and AcraTranslator open",
    load: async (io) => (await import('./commands/acra/index.js')).acraCommand(io),
  },
];

/**
 * The top-level command a command line runs: its first word that is not an
 * option (the program's own options, --version and --help, take no value),
 * or the word after `help`. undefined when it names none.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return TOP_COMMANDS.some((c) => c.name === first) ? first : undefined;
}

function configureTree(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showHelpAfterError(false)
    .configureHelp({ ...command.configureHelp(), groupItems: orderHelpGroups })
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // Errors are reported once, by runCli, as `error CODE: message`.
      outputError: () => undefined,
    });
  for (const sub of command.commands) configureTree(sub, io);
}

/**
 * The command tree. With `argv`, only the command it names is built in full;
 * the others are stubs that carry their name and summary for the top-level
 * help. Without `argv`, every command is built (for tests and docs).
 */
export async function buildProgram(io: CliIo, setExitCode: SetExitCode, argv?: readonly string[]): Promise<Command> {
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

Examples:
  custos init --passphrase-file pass.txt
  custos keys generate --client-id billing-svc --all
  custos keys list --master-key-file master.key

Run "custos <command> --help" for each command.`,
    );
  const wanted = argv === undefined ? undefined : commandNamed(argv);
  for (const top of TOP_COMMANDS) {
    const full = argv === undefined || top.name === wanted;
    program.addCommand(full ? await top.load(io, setExitCode) : new Command(top.name).description(top.summary));
  }
  // The stubs have no options to show; the top-level help lists names only, for all alike.
  program.configureHelp({ subcommandTerm: (sub) => sub.name() });
  configureTree(program, io);
  return program;
}
