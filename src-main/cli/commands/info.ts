import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit } from '../output.js';

export function infoCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('info'))
    .description('show the keystore id, schema version, key count and unlock methods')
    .action(async (options: CommonOptions) => {
      const info = await withKeystore(options, io, (ks) => ks.info());
      emit(io, options, info, () =>
        [
          `keystore     ${info.path}`,
          `id           ${info.keystoreId}`,
          `created      ${info.createdAt}`,
          `schema       v${info.schemaVersion}`,
          `key versions ${info.keyVersions}`,
          `unlock       master key${info.unlockMethods.map((m) => `, ${m.label}`).join('')}`,
        ].join('\n'),
      );
    });
}
