import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { auditHistoryForBundle } from '../audit/importedHistory.js';
import type { Keystore } from '../keystore/keystore.js';
import { ceremonyShares, listCeremonies, sealedSupersededTagKey } from '../keystore/paperStore.js';
import { openSupersededTagKey } from '../keystore/rotation/reseal.js';
import { recordWrapKey } from '../masterkey/subkeys.js';
import { sealTagKeyForBundle } from './tagKeyTransport.js';
import type { BundleWriter } from './writer.js';

export interface VaultRecordsWritten {
  vaultFingerprint: string;
  vaultName: string | null;
  ceremonies: number;
  auditHistory: boolean;
}

/**
 * Writes the v2 vault records after the keys: the vault's identity, every
 * paper ceremony (tags, never words) and the audit history. Call inside the
 * export's read transaction, so they describe the same state as the keys. A
 * superseded ceremony's tag key travels only when private keys do, sealed so
 * that only a host with this master key opens it (bundle/tagKeyTransport.ts).
 */
export function writeVaultRecords(keystore: Keystore, writer: BundleWriter): VaultRecordsWritten {
  return keystore.internal('read', (ctx) => {
    writer.addVaultIdentity({ vaultFingerprint: ctx.vaultFingerprint, vaultName: ctx.vaultName });
    const ceremonies = listCeremonies(ctx.db);
    const wrap = writer.header.privateKeys ? recordWrapKey(ctx.masterKey, ctx.keystoreId) : null;
    try {
      for (const c of ceremonies) {
        const { supersededAt, importedFrom, ...record } = c;
        void importedFrom;
        const sealed = wrap && supersededAt ? sealedSupersededTagKey(ctx.db, c.id) : null;
        const tagKey = sealed && wrap ? openSupersededTagKey(wrap, ctx.keystoreId, c.id, sealed) : null;
        if (sealed && !tagKey) throw new CustosError('KEYSTORE_CORRUPT', `paper ceremony ${c.id}: its superseded share-tag key does not open; nothing was exported. Run 'custos check'`);
        try {
          const carried = tagKey ? sealTagKeyForBundle(ctx.masterKey, c.id, c.identifier, tagKey) : null;
          writer.addCeremony({ record: { ...record, shares: ceremonyShares(ctx.db, c.id) }, supersededAt, supersededTagKey: carried });
        } finally {
          wipe(tagKey);
        }
      }
    } finally {
      wipe(wrap);
    }
    const history = auditHistoryForBundle(ctx);
    if (history !== null) writer.addAuditHistory(history);
    return { vaultFingerprint: ctx.vaultFingerprint, vaultName: ctx.vaultName, ceremonies: ceremonies.length, auditHistory: history !== null };
  });
}
