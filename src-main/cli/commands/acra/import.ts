import { Command } from 'commander';
import { resolve } from 'node:path';
import { importAcraEntries, openAcraFolder } from '../../../core/acra/importKeys.js';
import { wipe } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { importedKeysText } from './importedKeysText.js';
import { ACRA_MASTER_KEY_FILE_HELP, acraMasterKeyFrom, withVault } from './masterKeyOption.js';

interface AcraImportOptions extends CommonOptions {
  from: string;
  acraMasterKeyFile?: string;
}

export function acraImportCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('import'))
    .description('read an Acra keystore v1 folder (.acrakeys, as acra-keymaker makes it) into this vault, every rotated version included')
    .requiredOption('--from <dir>', 'the Acra keystore folder')
    .option('--acra-master-key-file <file>', ACRA_MASTER_KEY_FILE_HELP)
    .addHelpText(
      'after',
      `
Every file is opened under the Acra master key with the context its name calls
for, and checked (private key against public key) before anything is written;
then the keys go into the vault in one transaction, under their catalogue names
and purposes, with their fingerprints. A file that does not open, a stray file,
or a name the vault holds already stops the import, naming the file; nothing is
written.

Examples:
  custos acra import --from ./.acrakeys --acra-master-key-file acra-master.key
  ACRA_MASTER_KEY=$(cat acra-master.key) custos acra import --from /etc/acra/.acrakeys --json`,
    )
    .action(async (options: AcraImportOptions) => {
      const from = resolve(options.from);
      // The folder and the Acra master key are checked before the vault is unlocked: bad input needs no Custos key.
      const entries = openAcraFolder(from, () => acraMasterKeyFrom(options.acraMasterKeyFile, io));
      try {
        const report = await withVault(options, io, (ks) => importAcraEntries(ks, entries, from));
        emit(io, options, report, () =>
          importedKeysText(`imported ${report.versions} key versions from ${from}${report.publicOnlyVersions ? ` (${report.publicOnlyVersions} as public parts only)` : ''}`, report.keys),
        );
      } finally {
        for (const entry of entries) wipe(entry.content);
      }
    });
}
