import { Command } from 'commander';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { exportAcraKeystore, type AcraSelection } from '../../../core/acra/exportKeys.js';
import { newAcraMasterKey, writeAcraMasterKeyFile } from '../../../core/acra/masterKey.js';
import { wipe } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { ACRA_MASTER_KEY_FILE_HELP, acraMasterKeyFrom, withVault } from './masterKeyOption.js';

interface AcraExportOptions extends CommonOptions {
  out: string;
  clientId?: string[];
  zoneId?: string[];
  global?: boolean;
  acraMasterKeyFile?: string;
  newAcraMasterKeyOut?: string;
  force?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function acraExportCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('export'))
    .description('write keys as an Acra keystore v1 folder (.acrakeys) that AcraServer and AcraTranslator open with the Acra master key')
    .requiredOption('--out <dir>', 'the keystore folder to write (mode 0700; one that holds files is refused unless --force)')
    .option('--client-id <id>', "this client id's keys (repeatable)", collect)
    .option('--zone-id <id>', "this zone id's keys, for Acra before 0.95 (repeatable)", collect)
    .option('--global', 'the global keys (poison record, secure log, auth)')
    .option('--acra-master-key-file <file>', ACRA_MASTER_KEY_FILE_HELP)
    .option('--new-acra-master-key-out <file>', 'make a new Acra master key for this keystore and write it here (base64, mode 0600)')
    .option('--force', 'replace an existing keystore folder whole (never mixes keys into it)')
    .addHelpText(
      'after',
      `
The folder is laid out as Acra's own code writes it: <client>_storage and
<client>_storage.pub (Themis EC P-256 pairs), <client>_storage_sym, <client>_hmac,
.poison_key/, secure_log_key; private and symmetric keys sealed with Themis Secure
Cell under the Acra master key and the context Acra uses; rotated versions under
<file>.old/<time>. It is written beside --out and renamed into place, so an
interrupted export leaves nothing under that name. X25519 keys are refused: Acra
reads only P-256 pairs.

The Acra master key is Acra's (ACRA_MASTER_KEY), not this keystore's master key.

Examples:
  custos acra export --out ./.acrakeys --client-id billing-svc --global --new-acra-master-key-out acra-master.key
  ACRA_MASTER_KEY=$(cat acra-master.key) acra-server --keys_dir=./.acrakeys ...`,
    )
    .action(async (options: AcraExportOptions) => {
      const selection: AcraSelection = { clientIds: options.clientId ?? [], zoneIds: options.zoneId ?? [], global: Boolean(options.global) };
      if (selection.clientIds.length + selection.zoneIds.length === 0 && !selection.global) throw new CustosError('INVALID_ARGUMENT', 'choose the keys: --client-id ID, --zone-id ID and/or --global');
      if (options.newAcraMasterKeyOut !== undefined && options.acraMasterKeyFile !== undefined) {
        throw new CustosError('INVALID_ARGUMENT', 'choose one: --acra-master-key-file (an existing Acra master key) or --new-acra-master-key-out (a new one)');
      }
      const fresh = options.newAcraMasterKeyOut !== undefined;
      const acraKey = fresh ? newAcraMasterKey() : acraMasterKeyFrom(options.acraMasterKeyFile, io);
      let wroteKey = false;
      try {
        if (fresh) {
          // Written first (and never over a file): a keystore sealed under a key nobody kept would be lost.
          writeAcraMasterKeyFile(options.newAcraMasterKeyOut!, acraKey);
          wroteKey = true;
        }
        const out = resolve(options.out);
        const report = await withVault(options, io, (ks) => exportAcraKeystore(ks, { out, selection, acraMasterKey: acraKey, force: options.force }));
        wroteKey = false;
        emit(io, options, { ...report, acraMasterKeyFile: options.newAcraMasterKeyOut ?? null }, () =>
          [
            `wrote ${report.files} files (${report.keys.length} key versions) to ${report.out} as an Acra keystore v1`,
            ...report.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
            fresh ? `the Acra master key is in ${options.newAcraMasterKeyOut} (keep it as you keep ACRA_MASTER_KEY)` : '',
            `AcraServer: ACRA_MASTER_KEY=<the Acra master key> acra-server --keystore_encryption_type=env_master_key --keys_dir=${report.out}`,
          ]
            .filter(Boolean)
            .join('\n'),
        );
      } finally {
        if (wroteKey) rmSync(options.newAcraMasterKeyOut!, { force: true });
        wipe(acraKey);
      }
    });
}
