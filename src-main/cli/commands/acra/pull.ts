import { Command } from 'commander';
import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { writeKeystoreFolder } from '../../../core/acra/keystoreV1Folder.js';
import { importAcraEntries } from '../../../core/acra/importKeys.js';
import { connectRedis } from '../../../core/acra/redis/client.js';
import { pullAcraEntries, redisSource } from '../../../core/acra/redisPull.js';
import { normaliseKeysDir } from '../../../core/acra/redisStorage.js';
import { wipe } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { importedKeysText } from './importedKeysText.js';
import { ACRA_MASTER_KEY_FILE_HELP, acraMasterKeyFrom, custosIo } from './masterKeyOption.js';
import { redisOptionsFrom, withRedisOptions, type RedisCliOptions } from './redisOptions.js';

interface PullOptions extends CommonOptions, RedisCliOptions {
  acraMasterKeyFile?: string;
  out?: string;
  force?: boolean;
}

export function acraPullCommand(io: CliIo): Command {
  return withRedisOptions(withKeystoreOptions(new Command('pull')))
    .description("read a keystore v1 that Acra keeps in Redis into this vault, every rotated version included (as acra import does with a folder)")
    .option('--acra-master-key-file <file>', ACRA_MASTER_KEY_FILE_HELP)
    .option('--out <dir>', 'write the keystore to this folder (as acra export lays it out) instead of importing it into the vault')
    .option('--force', 'with --out: replace a folder that holds files, whole')
    .addHelpText(
      'after',
      `
Every Redis string under <keys-dir>/ is read (SCAN) and must be a key file Acra
would write there: standard base64 of the file's bytes, under a name Acra gives a
key, opening under the Acra master key with the context its name calls for. All
are checked before the vault is unlocked; then the keys go into the vault in one
transaction. A bad entry (not a string, not base64, a stray name, a file that does
not open, a name the vault holds already) is named and nothing is written. With
--out the checked files are written as a keystore v1 folder instead (the same
bytes, modes as Acra's), and the vault is not opened.

Examples:
  custos acra pull --redis redis://10.0.0.5:6379/1 --acra-master-key-file acra-master.key
  ACRA_MASTER_KEY=$(cat acra-master.key) custos acra pull --redis rediss://redis.internal:6380/1 --redis-password-file redis.pass --redis-tls-ca redis-ca.pem --keys-dir /var/lib/acra/keys --json
  custos acra pull --redis redis://10.0.0.5:6379/1 --acra-master-key-file acra-master.key --out ./.acrakeys`,
    )
    .action(async (options: PullOptions) => {
      if (options.force && options.out === undefined) throw new CustosError('INVALID_ARGUMENT', '--force goes with --out only (an import never replaces keys)');
      const keysDir = normaliseKeysDir(options.keysDir);
      const redisOptions = redisOptionsFrom(options);
      const acraKey = acraMasterKeyFrom(options.acraMasterKeyFile, io);
      let pulled;
      let source: string;
      try {
        const client = await connectRedis(redisOptions);
        try {
          pulled = await pullAcraEntries(client, { keysDir, acraMasterKey: acraKey });
          source = redisSource(client, pulled.keysDir);
        } finally {
          client.close();
        }
      } finally {
        wipe(acraKey);
      }
      const { entries } = pulled;
      if (options.out !== undefined) {
        for (const entry of entries) wipe(entry.content);
        const out = resolve(options.out);
        writeKeystoreFolder(out, pulled.stored, { force: Boolean(options.force) });
        emit(io, options, { out, files: pulled.files, redis: source }, () => `wrote ${pulled.files} key files from ${source} to ${out} as an Acra keystore v1 folder`);
        return;
      }
      try {
        const report = await withKeystore(options, custosIo(io), (ks) => importAcraEntries(ks, entries, source));
        emit(io, options, { ...report, redis: source, files: pulled.files }, () =>
          importedKeysText(`imported ${report.versions} key versions from ${pulled.files} key files at ${source}`, report.keys),
        );
      } finally {
        for (const entry of entries) wipe(entry.content);
      }
    });
}
