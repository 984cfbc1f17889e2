import { printableHead } from '../audit/report.js';
import { masterKeyCheck } from '../masterkey/subkeys.js';
import type { GroupSpec } from '../paper/slip39/index.js';
import type { Keystore, KeystoreInfo } from './keystore.js';
import { ceremonyShares, listCeremonies } from './paperStore.js';

export interface CeremonyInfo {
  /** As its sheets print it: the SLIP-0039 identifier ("654"), or an older ceremony's random id. */
  id: string;
  identifier: number;
  createdAt: string;
  /** "3 of 5", or "2 of 3 groups (2 of 3, 1 of 1, 3 of 5)". */
  quorum: string;
  groupThreshold: number;
  groups: GroupSpec[];
  custodians: Array<string | null>;
  /** The vault fingerprint its sheets printed. */
  vaultFingerprint: string;
  keyCheck: string;
  supersededAt: string | null;
  /** null when made here; else the bundle it was imported from. */
  importedFrom: string | null;
}

export interface VaultInfo extends KeystoreInfo {
  /** The key check of the master key, as sheets print it (`--expect-check`). */
  keyCheck: string;
  ceremonies: CeremonyInfo[];
  /** The audit head as sheets print it (seq:hash16), or null when the log does not verify. */
  auditHead: string | null;
}

export function quorumText(groupThreshold: number, groups: readonly GroupSpec[]): string {
  const one = (g: GroupSpec) => `${g.threshold} of ${g.count}`;
  if (groups.length === 1 && groups[0]) return one(groups[0]);
  return `${groupThreshold} of ${groups.length} groups (${groups.map(one).join(', ')})`;
}

/** Everything `custos info` shows: the keystore, the vault's identity, its ceremonies and its audit head. */
export function vaultInfo(keystore: Keystore): VaultInfo {
  const base = keystore.info();
  const { keyCheck, ceremonies } = keystore.internal('read', (ctx) => ({
    keyCheck: masterKeyCheck(ctx.masterKey),
    ceremonies: listCeremonies(ctx.db).map((c) => ({
      id: c.id,
      identifier: c.identifier,
      createdAt: c.createdAt,
      quorum: quorumText(c.groupThreshold, c.groups),
      groupThreshold: c.groupThreshold,
      groups: c.groups,
      custodians: ceremonyShares(ctx.db, c.id).map((s) => s.custodian),
      vaultFingerprint: c.vaultFingerprint,
      keyCheck: c.masterKeyCheck,
      supersededAt: c.supersededAt,
      importedFrom: c.importedFrom,
    })),
  }));
  return { ...base, keyCheck, ceremonies, auditHead: printableHead(keystore) };
}
