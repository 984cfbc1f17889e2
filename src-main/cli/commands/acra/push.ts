import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import type { AcraSelection } from '../../../core/acra/exportKeys.js';
import { redisAcraServerFlags } from '../../../core/acra/acraServerFlags.js';
import { connectRedis } from '../../../core/acra/redis/client.js';
import { pushAcraKeystore } from '../../../core/acra/redisPush.js';
import { normaliseKeysDir } from '../../../core/acra/redisStorage.js';
import { wipe } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { ACRA_MASTER_KEY_FILE_HELP, acraMasterKeyFrom, custosIo } from './masterKeyOption.js';
import { redisOptionsFrom, withRedisOptions, type RedisCliOptions } from './redisOptions.js';

interface PushOptions extends CommonOptions, RedisCliOptions {
  clientId?: string[];
  zoneId?: string[];
  global?: boolean;
  acraMasterKeyFile?: string;
  force?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function acraPushCommand(io: CliIo): Command {
  const command = withRedisOptions(withKeystoreOptions(new Command('push')))
    .description("write keys into Redis as Acra's Redis key storage holds a keystore v1 (what acra export writes into a folder)")
    .option('--client-id <id>', "this client id's keys (repeatable)", collect)
    .option('--zone-id <id>', "this zone id's keys, for Acra before 0.95 (repeatable)", collect)
    .option('--global', 'the global keys (poison record, secure log, auth)')
    .option('--acra-master-key-file <file>', ACRA_MASTER_KEY_FILE_HELP)
    .option('--force', 'replace every key already under <keys-dir>/ in that Redis database');
  return command
    .addHelpText(
      'after',
      `
Each key file becomes one Redis string named <keys-dir>/<file> (for example
.acrakeys/billing-svc_storage_sym, .acrakeys/.poison_key/poison_key), holding the
base64 of the file's bytes: sealed under the Acra master key exactly as in a folder.
All keys are written in one MULTI/EXEC transaction. Keys already under the prefix
are refused unless --force, which deletes them in the same transaction. The Redis
password is read from a file, never from the command line or the URL.

Examples:
  custos acra push --redis redis://10.0.0.5:6379/1 --client-id billing-svc --global --acra-master-key-file acra-master.key
  custos acra push --redis rediss://redis.internal:6380/1 --redis-password-file redis.pass --redis-tls-ca redis-ca.pem --keys-dir /var/lib/acra/keys --client-id billing-svc --force
AcraServer then reads them with:
  acra-server --redis_host_port=10.0.0.5:6379 --redis_db_keys=1 --keys_dir=.acrakeys ...`,
    )
    .action(async (options: PushOptions) => {
      const selection: AcraSelection = { clientIds: options.clientId ?? [], zoneIds: options.zoneId ?? [], global: Boolean(options.global) };
      if (selection.clientIds.length + selection.zoneIds.length === 0 && !selection.global) throw new CustosError('INVALID_ARGUMENT', 'choose the keys: --client-id ID, --zone-id ID and/or --global');
      const keysDir = normaliseKeysDir(options.keysDir);
      const redisOptions = redisOptionsFrom(options);
      const acraKey = acraMasterKeyFrom(options.acraMasterKeyFile, io);
      try {
        // Reached before the vault is unlocked: a wrong address or password needs no Custos key.
        const client = await connectRedis(redisOptions);
        try {
          const report = await withKeystore(options, custosIo(io), (ks) => pushAcraKeystore(ks, client, { keysDir, selection, acraMasterKey: acraKey, force: Boolean(options.force) }));
          emit(io, options, report, () =>
            [
              `wrote ${report.files} key files (${report.keys.length} key versions) to ${report.redis} under ${report.keysDir}/${report.replaced ? `, replacing ${report.replaced} keys that were there` : ''}`,
              ...report.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
              `AcraServer: ${redisAcraServerFlags(redisOptions, report.keysDir).join(' ')}`,
            ].join('\n'),
          );
        } finally {
          client.close();
        }
      } finally {
        wipe(acraKey);
      }
    });
}
