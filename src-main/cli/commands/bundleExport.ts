import { Command } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { WARNING } from '../../core/bundle/accessKeys.js';
import { exportBundle } from '../../core/bundle/export.js';
import { refuseExisting } from '../../core/files/outputFile.js';
import { FORCE_HINT } from '../../core/bundle/export.js';
import type { KeySelection } from '../../core/keystore/selection.js';
import type { CliIo } from '../io.js';
import { keystorePath, withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { settleInterruptedExports } from '../../core/bundle/exportJournal.js';
import { resolve } from 'node:path';
import { emit } from '../output.js';
import { progressBar } from '../progress.js';

interface ExportOptions extends CommonOptions {
  bundle: string;
  accessKeys: string;
  all?: boolean;
  clientId?: string[];
  key?: string[];
  privateKeys?: boolean;
  force?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function selection(options: ExportOptions): KeySelection {
  const some = Boolean(options.clientId?.length || options.key?.length);
  if (Boolean(options.all) === some) throw new CustosError('INVALID_ARGUMENT', 'choose --all, or one or more --client-id ID and/or --key NAME');
  return options.all ? { all: true } : { clientIds: options.clientId ?? [], names: options.key ?? [] };
}

export function exportCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('export'))
    .description('write keys to an encrypted, signed bundle, and the fresh access keys that open it to a separate file')
    .requiredOption('--bundle <file>', 'bundle to write (mode 0600; an existing file is refused unless --force)')
    .requiredOption('--access-keys <file>', 'access keys to write: a separate small file, keep it apart from the bundle')
    .option('--all', 'export every key')
    .option('--client-id <id>', "export this client id's keys (repeatable)", collect)
    .option('--key <name>', 'export this key, all its versions (repeatable)', collect)
    .option('--private-keys', 'include private and symmetric key material (without it: public keys and metadata only)')
    .option('--force', 'replace existing bundle and access-keys files')
    .addHelpText(
      'after',
      `
Each export makes its own random encryption key and Ed25519 signing key; the signing
private key is discarded once the bundle is signed. Both files show the same pair
fingerprint (e.g. 3f9a-07c2-d1e4-8b56), so you can tell they belong together.
${WARNING}: anyone holding both can read the keys.

Examples:
  custos export --all --private-keys --bundle keys.bundle --access-keys keys.access.json
  custos export --client-id billing-svc --bundle billing.bundle --access-keys billing.access.json`,
    )
    .action(async (options: ExportOptions) => {
      const keys = selection(options);
      // A crashed export's files are taken back (or kept) before the names are checked.
      settleInterruptedExports(resolve(keystorePath(options, io)));
      refuseExisting([options.bundle, options.accessKeys], Boolean(options.force), FORCE_HINT);
      const bar = progressBar(io, 'exporting', !options.json);
      const report = await withKeystore(options, io, (ks) =>
        exportBundle(ks, { bundlePath: options.bundle, accessKeysPath: options.accessKeys, selection: keys, privateKeys: Boolean(options.privateKeys), force: options.force, onProgress: bar.update }),
      ).finally(() => bar.finish());
      io.err(`warning: ${WARNING}\n`);
      emit(io, options, { ...report, warning: WARNING }, () =>
        [
          `exported ${report.keys} keys (${report.versions} versions), ${report.privateKeys ? 'private keys included' : 'public parts only'}`,
          `bundle           ${report.bundle}`,
          `access keys      ${report.accessKeys}`,
          `pair             ${report.pairFingerprint}`,
          `vault            ${report.vault} (${report.vaultName ?? 'unnamed'})`,
          `also carries     ${report.ceremonies} paper ceremon${report.ceremonies === 1 ? 'y' : 'ies'}${report.auditHistory ? ', the audit history' : ''}`,
          `restore with     custos import --bundle ${report.bundle} --access-keys ${report.accessKeys}`,
        ].join('\n'),
      );
    });
}
