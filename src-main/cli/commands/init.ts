import { Command } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../../core/crypto/bytes.js';
import { calibrateArgon2id, DEFAULT_MEMORY_KIB, newArgon2idParams, type Argon2idParams } from '../../core/crypto/kdf.js';
import { createKeystore } from '../../core/keystore/create.js';
import { validVaultName } from '../../core/keystore/vaultIdentity.js';
import { generateMasterKey } from '../../core/masterkey/masterKey.js';
import type { CliIo } from '../io.js';
import { keystorePath, resolveActor, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit } from '../output.js';
import { statusLine } from '../progress.js';
import { explicitMasterKey, newPassphrase } from '../secrets.js';

interface InitOptions extends CommonOptions {
  kdfMemoryMib?: string;
  kdfPasses?: string;
  name?: string;
}

function positiveInt(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new CustosError('INVALID_ARGUMENT', `${what} must be a positive whole number`);
  return value;
}

/** The argon2id parameters from the options, or calibrated (`onStep` after each trial, for a progress line). */
export async function kdfParams(options: { kdfMemoryMib?: string | undefined; kdfPasses?: string | undefined }, onStep?: () => void): Promise<Argon2idParams> {
  const memoryKiB = options.kdfMemoryMib ? positiveInt(options.kdfMemoryMib, '--kdf-memory-mib') * 1024 : DEFAULT_MEMORY_KIB;
  if (options.kdfPasses) return newArgon2idParams(memoryKiB, positiveInt(options.kdfPasses, '--kdf-passes'));
  return calibrateArgon2id(1000, memoryKiB, onStep);
}

/** Names where an explicit master key came from, so a stray ACRA_MASTER_KEY is noticed. */
function source(options: InitOptions, io: CliIo): string {
  if (options.masterKeyFile) return options.masterKeyFile;
  return io.env['CUSTOS_MASTER_KEY'] ? 'CUSTOS_MASTER_KEY' : 'ACRA_MASTER_KEY';
}

export function initCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('init'))
    .description('create a new, empty keystore (never overwrites an existing file)')
    .option('--kdf-memory-mib <n>', 'argon2id memory for the passphrase, MiB (default 256)')
    .option('--kdf-passes <n>', 'argon2id passes (default: calibrated to about one second on this machine)')
    .option('--name <name>', 'a human name for the vault, shown beside its fingerprint (info, sheets, bundles)')
    .addHelpText(
      'after',
      `
Where the master key comes from:
  - a master key you give (--master-key-file, CUSTOS_MASTER_KEY or ACRA_MASTER_KEY):
    the keystore stores only a check value; unlock it with the same key.
  - otherwise Custos generates one and a passphrase (--passphrase-file, or typed twice)
    wraps it inside the keystore.
  Give both to use your master key and also allow unlocking by passphrase.

Examples:
  custos master-key generate --out master.key && custos init --master-key-file master.key
  custos init --keystore vault/custos.db --passphrase-file pass.txt --name "Payments prod"`,
    )
    .action(async (options: InitOptions) => {
      const path = keystorePath(options, io);
      const actor = resolveActor(options, io);
      // Checked before any prompt: a bad name should not cost a typed passphrase.
      const vaultName = options.name === undefined ? null : validVaultName(options.name);
      const given = explicitMasterKey(options, io);
      // With a master key given, a passphrase is opt-in (--passphrase-file), as the help says:
      // prompting for one at a terminal made a master-key-only keystore impossible there.
      const passphrase = given && !options.passphraseFile ? null : await newPassphrase(options, io);
      if (passphrase === null && (options.kdfMemoryMib || options.kdfPasses)) {
        throw new CustosError('INVALID_ARGUMENT', '--kdf-memory-mib and --kdf-passes apply to a passphrase; none was given');
      }
      if (!given && passphrase === null) {
        throw new CustosError('MASTER_KEY_MISSING', 'give a master key (--master-key-file, CUSTOS_MASTER_KEY, ACRA_MASTER_KEY) or a passphrase (--passphrase-file)');
      }
      const masterKey = given ?? generateMasterKey();
      // Calibration and the derivation take one to many seconds: say so at a terminal.
      const status = passphrase === null ? null : statusLine(io, 'deriving the key from the passphrase', !options.json);
      try {
        const params = passphrase === null ? undefined : await kdfParams(options, () => status?.step('calibrating argon2id for this machine'));
        if (params) status?.step(`argon2id, ${params.memoryKiB / 1024} MiB, ${params.iterations} passes`);
        const created = await createKeystore(path, { masterKey, passphrase: params && passphrase !== null ? { text: passphrase, params } : undefined, actor, vaultName });
        // Erased before the result is printed, which would otherwise follow it on the same line.
        status?.finish();
        const unlock = [...(given ? ['master-key'] : []), ...(params ? ['passphrase'] : [])];
        emit(io, options, { path: created.path, keystoreId: created.keystoreId, vaultFingerprint: created.vaultFingerprint, vaultName: created.vaultName, unlock, kdf: params ? { ...params, salt: undefined } : null }, () =>
          [
            `created keystore ${created.path}`,
            `keystore id ${created.keystoreId}`,
            `vault ${created.vaultFingerprint} (${created.vaultName ?? 'unnamed'})`,
            `unlock with: ${unlock.join(', ')}`,
            given ? `master key: the one from ${source(options, io)}` : 'master key: generated here and wrapped by the passphrase; it is never shown (paper shares are how to back it up)',
            ...(params ? [`passphrase KDF: argon2id, ${params.memoryKiB / 1024} MiB, ${params.iterations} passes`] : []),
          ].join('\n'),
        );
      } finally {
        status?.finish();
        wipe(masterKey);
      }
    });
}
