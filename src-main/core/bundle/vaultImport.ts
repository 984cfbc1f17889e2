import { wipe } from '../crypto/bytes.js';
import { storeImportedHistory } from '../audit/importedHistory.js';
import type { InternalContext } from '../keystore/internal.js';
import { ceremonyExists, insertCeremony } from '../keystore/paperStore.js';
import { sealSupersededTagKey } from '../keystore/rotation/reseal.js';
import { storeVaultName } from '../keystore/vaultIdentity.js';
import { recordWrapKey } from '../masterkey/subkeys.js';
import { openTagKeyFromBundle } from './tagKeyTransport.js';
import type { VaultExtras } from './vaultRecords.js';

export interface VaultRecordsImported {
  /** The source vault the bundle names (null for a v1 bundle), and whether it is this vault (same master key). */
  sourceVault: string | null;
  sameVault: boolean;
  /** The bundle's vault name, when this keystore had none and took it. */
  adoptedName: string | null;
  ceremonies: string[];
  /** Ceremonies this keystore holds already (same id), or whose share tags it holds: left as they are. */
  skippedCeremonies: string[];
  /**
   * Superseded ceremonies whose tag key did not open under this master key
   * (another vault's, or altered): recorded without it, so their sheets are
   * never called genuine here.
   */
  unverifiedTagKeys: string[];
  auditHistory: boolean;
}

/**
 * Writes what a v2 bundle carries besides its keys, inside the import's
 * transaction (after the signature verified): the vault name when this
 * keystore has none, each ceremony not yet recorded (it is history, whatever
 * its vault: `paper check` calls a sheet genuine only when its tag verifies
 * under this master key), a superseded ceremony's tag key re-sealed under
 * this keystore when it opens under this master key (else the ceremony is
 * kept without it), and the audit history (audit/importedHistory.ts).
 */
export function importVaultRecords(ctx: InternalContext, extras: VaultExtras, source: { bundleId: string; pairFingerprint: string }): VaultRecordsImported {
  const result: VaultRecordsImported = {
    sourceVault: extras.vault?.vaultFingerprint ?? null,
    sameVault: extras.vault?.vaultFingerprint === ctx.vaultFingerprint,
    adoptedName: null,
    ceremonies: [],
    skippedCeremonies: [],
    unverifiedTagKeys: [],
    auditHistory: false,
  };
  if (extras.vault?.vaultName && ctx.vaultName === null) {
    storeVaultName(ctx.db, extras.vault.vaultName);
    result.adoptedName = extras.vault.vaultName;
  }
  const tagTaken = ctx.db.prepare('SELECT 1 FROM paper_shares WHERE tag = ?');
  const wrap = recordWrapKey(ctx.masterKey, ctx.keystoreId);
  try {
    for (const c of extras.ceremonies) {
      const { record, supersededAt, supersededTagKey } = c;
      if (ceremonyExists(ctx.db, record.id) || record.shares.some((s) => tagTaken.get(s.tag) !== undefined)) {
        result.skippedCeremonies.push(record.id);
        continue;
      }
      const tagKey = supersededTagKey ? openTagKeyFromBundle(ctx.masterKey, record.id, record.identifier, supersededTagKey) : null;
      if (supersededTagKey && !tagKey) result.unverifiedTagKeys.push(record.id);
      const sealed = tagKey ? sealSupersededTagKey(wrap, ctx.keystoreId, record.id, tagKey) : null;
      wipe(tagKey);
      insertCeremony(ctx.db, { ...record, importedFrom: `bundle ${source.pairFingerprint}` }, supersededAt === null ? null : { at: supersededAt, sealedTagKey: sealed });
      result.ceremonies.push(record.id);
    }
  } finally {
    wipe(wrap);
    for (const c of extras.ceremonies) wipe(c.supersededTagKey);
  }
  if (extras.auditHistory !== null) {
    storeImportedHistory(ctx, extras.auditHistory, source);
    result.auditHistory = true;
  }
  return result;
}
