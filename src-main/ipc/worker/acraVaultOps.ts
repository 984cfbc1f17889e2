/**
 * The Backups screen's "Acra master key in Vault" (docs/app.md, "Backups:
 * Acra"): the same core call as `custos acra vault-publish`. The Acra master
 * key is read here from the file main's dialog chose and wiped after use; the
 * token arrives from main and goes only to Vault. Main asked the person to
 * approve the address first; the worker checks that approval again.
 */
import type { AcraVaultPublishView } from '../../../shared/ipcAcraRemote.js';
import { vaultAcraServerFlags } from '../../core/acra/acraServerFlags.js';
import { readAcraMasterKeyFile } from '../../core/acra/masterKey.js';
import { publishAcraMasterKey } from '../../core/acra/vaultPublish.js';
import { listGate, vaultTarget, type Approvals } from '../../core/config/approvals.js';
import { wipe } from '../../core/crypto/bytes.js';
import { connectVault, type VaultAuth } from '../../core/kms/vault/connect.js';
import { inScreenTerms } from './acraOps.js';
import type { Report } from './coreOps.js';

export interface AcraVaultOps {
  /** `approvals`: what main's settings approved (main asked the person first); the address must be among them. */
  acraVaultPublish: {
    args: { endpoint: string; path: string; auth: VaultAuth; caPem?: string | undefined; allowPlainHttp: boolean; keyFile: string; replace: boolean; approvals: Approvals };
    result: AcraVaultPublishView;
  };
}

type Impl = { [K in keyof AcraVaultOps]: (args: AcraVaultOps[K]['args']) => Promise<AcraVaultOps[K]['result']> };

export function acraVaultOps(report: Report): Impl {
  return {
    async acraVaultPublish({ endpoint, path, auth, caPem, allowPlainHttp, keyFile, replace, approvals }) {
      // Checked here too: the worker contacts no Vault server main has not had approved.
      await listGate(approvals, 'Publish again and approve it when the app asks.')(vaultTarget(endpoint, caPem));
      const masterKey = readAcraMasterKeyFile(keyFile);
      try {
        report('export', `Writing the Acra master key to Vault at ${endpoint}`, 0, 0);
        const vault = await connectVault({ endpoint, auth, ...(caPem ? { caPem } : {}), ...(allowPlainHttp ? { allowPlainHttp: true } : {}) });
        try {
          const r = await publishAcraMasterKey(vault, path, masterKey, { overwrite: replace });
          report('export', 'Acra master key written to Vault', 1, 1);
          return {
            endpoint: r.endpoint,
            secretsPath: r.secretsPath,
            writtenPath: r.writtenPath,
            kvVersion: r.kvVersion,
            secretVersion: r.secretVersion ?? null,
            replaced: r.replaced,
            // As the CLI prints them; the CA file main's dialog chose is on this machine, not AcraServer's, so only the switch is named.
            acraServerFlags: vaultAcraServerFlags(r.endpoint, r.secretsPath),
          };
        } finally {
          vault.close();
        }
      } catch (error) {
        throw inScreenTerms(error, 'Replace the key in Vault');
      } finally {
        wipe(masterKey);
      }
    },
  };
}
