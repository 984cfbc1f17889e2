import { Command } from 'commander';
import type { CliIo } from '../../io.js';

/**
 * One subcommand of `custos acra`, loaded from its own file. Each helper
 * adds its subcommand here with one line, so the group stays one list.
 */
type Subcommand = (io: CliIo) => Promise<Command>;

const SUBCOMMANDS: readonly Subcommand[] = [
  async (io) => (await import('./export.js')).acraExportCommand(io),
  async (io) => (await import('./import.js')).acraImportCommand(io),
  async (io) => (await import('./vaultPublish.js')).acraVaultPublishCommand(io),
  async (io) => (await import('./push.js')).acraPushCommand(io),
  async (io) => (await import('./pull.js')).acraPullCommand(io),
  async (io) => (await import('./bundle.js')).acraBundleCommand(io),
];

export const ACRA_SUMMARY = "Acra's own key storage: write and read .acrakeys folders (keystore v1) that AcraServer and AcraTranslator open";

export async function acraCommand(io: CliIo): Promise<Command> {
  const acra = new Command('acra').description(ACRA_SUMMARY).addHelpText(
    'after',
    `
Examples:
  custos acra export --out ./.acrakeys --client-id billing-svc --global --new-acra-master-key-out acra-master.key
  custos acra import --from ./.acrakeys --acra-master-key-file acra-master.key

Run "custos acra <command> --help" for each command.`,
  );
  for (const load of SUBCOMMANDS) acra.addCommand(await load(io));
  return acra;
}
