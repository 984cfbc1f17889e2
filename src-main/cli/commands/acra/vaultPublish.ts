import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { wipe } from '../../../core/crypto/bytes.js';
import { connectVault } from '../../../core/kms/vault/connect.js';
import { vaultAcraServerFlags } from '../../../core/acra/acraServerFlags.js';
import { ACRA_VAULT_FIELD, publishAcraMasterKey } from '../../../core/acra/vaultPublish.js';
import type { CliIo } from '../../io.js';
import { vaultAccessOrNull, type MethodCredentialOptions } from '../../methodCredentials.js';
import { emit } from '../../output.js';
import { ACRA_MASTER_KEY_FILE_HELP, acraMasterKeyFrom } from './masterKeyOption.js';

interface VaultPublishOptions extends MethodCredentialOptions {
  vaultAddr: string;
  path: string;
  acraMasterKeyFile?: string;
  force?: boolean;
  json?: boolean;
}

export function acraVaultPublishCommand(io: CliIo): Command {
  return new Command('vault-publish')
    .description("write the Acra master key into HashiCorp Vault where AcraServer reads it (field acra_master_key, KV v1 or v2)")
    .requiredOption('--vault-addr <url>', 'Vault address, https://host:8200 (Acra: --vault_connection_api_string)')
    .requiredOption('--path <mount/secret>', "the secret, as Acra's --vault_secrets_path: its first segment is the KV mount (secret/acra)")
    .option('--acra-master-key-file <file>', ACRA_MASTER_KEY_FILE_HELP)
    .option('--force', `replace an ${ACRA_VAULT_FIELD} already in the secret`)
    .option('--vault-token-file <file>', 'Vault token that may read the mounts and write the secret')
    .option('--vault-role-id <id>', 'Vault AppRole role_id (with --vault-secret-id-file), instead of a token')
    .option('--vault-secret-id-file <file>', 'Vault AppRole secret_id')
    .option('--vault-ca-file <file>', "PEM of the CA that signed Vault's certificate (Acra: --vault_tls_client_ca)")
    .option('--vault-allow-plain-http', 'allow http:// to Vault (sends the token and the key in clear text: a dev server or loopback only)')
    .option('--vault-timeout <seconds>', 'deadline for each Vault call (default 10)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Acra lists the mounts (sys/internal/ui/mounts), takes the one named by the first
segment of the path, and reads ${ACRA_VAULT_FIELD} from the path itself on KV v1, or from
<mount>/data/<rest> on KV v2. Custos writes it there, keeps the secret's other fields,
and reads it back the same way. The value is the base64 string ACRA_MASTER_KEY holds.
Nothing is sent over plain http:// unless --vault-allow-plain-http is given.

Examples:
  custos acra vault-publish --vault-addr https://vault.internal:8200 --path secret/acra --vault-token-file vault.token --acra-master-key-file acra-master.key
  ACRA_MASTER_KEY=... custos acra vault-publish --vault-addr https://vault.internal:8200 --path kv/acra/prod --vault-token-file vault.token --vault-ca-file vault-ca.pem --force`,
    )
    .action(async (options: VaultPublishOptions) => {
      const access = vaultAccessOrNull(options);
      if (!access) throw new CustosError('INVALID_ARGUMENT', 'give Vault credentials: --vault-token-file FILE, or --vault-role-id ID --vault-secret-id-file FILE');
      const masterKey = acraMasterKeyFrom(options.acraMasterKeyFile, io);
      try {
        const vault = await connectVault({ endpoint: options.vaultAddr, ...access });
        try {
          const report = await publishAcraMasterKey(vault, options.path, masterKey, { overwrite: Boolean(options.force) });
          const acraFlags = vaultAcraServerFlags(report.endpoint, report.secretsPath, options.vaultCaFile);
          emit(io, options, { ...report, acraServerFlags: acraFlags }, () =>
            [
              `${report.replaced ? 'replaced' : 'wrote'} ${ACRA_VAULT_FIELD} at ${report.writtenPath} (KV v${report.kvVersion}${report.secretVersion ? `, version ${report.secretVersion}` : ''}) in Vault at ${report.endpoint}`,
              'read back as Acra reads it: same value',
              'AcraServer and AcraTranslator find it with:',
              `  ${acraFlags.join(' ')}`,
              '  and VAULT_API_TOKEN set to the base64 of a Vault token that may read that secret',
            ].join('\n'),
          );
        } finally {
          vault.close();
        }
      } finally {
        wipe(masterKey);
      }
    });
}
