/**
 * What a person checks on paper, checked on the restore host once the
 * bundle is in (its ceremony records and the source's audit history travel
 * with it): each sheet genuine (its keyed tag is one the source recorded,
 * `custos paper check`), and the audit head the sheets print found in the
 * imported history (`custos audit verify --head`).
 */
import type { ShareInput } from '../paper/shareSet.js';
import { checkShare } from '../paper/paperVault.js';
import type { Keystore } from '../keystore/keystore.js';
import { verifyHead } from '../audit/headCheck.js';
import type { ExternalHead } from '../audit/verify.js';

export interface SheetVerdict {
  source: string;
  genuine: boolean;
  sheetFingerprint: string;
  custodian: string | null;
}

export interface HeadVerdictView {
  head: string | null;
  found: boolean;
  detail: string;
}

export function checkSheets(keystore: Keystore, shares: readonly ShareInput[]): SheetVerdict[] {
  return shares.map((s) => {
    const c = checkShare(s.text, keystore);
    // Superseded by a rotation restores the old key: genuine paper, but not this vault's key today.
    const genuine = c.genuine === true && !c.match?.supersededAt;
    return { source: s.source, genuine, sheetFingerprint: c.sheetFingerprint ?? '', custodian: c.match?.custodian ?? null };
  });
}

export function checkHead(keystore: Keystore, head: ExternalHead | null): HeadVerdictView {
  if (head === null) return { head: null, found: false, detail: 'the sheets print no audit head, so none was checked' };
  const shown = `${head.seq}:${head.hash}`;
  const v = verifyHead(keystore, head);
  if (v.ok && v.headIn === 'imported' && v.imported) {
    return { head: shown, found: true, detail: `head ${shown} is entry ${v.imported.seq} of the history imported from vault ${v.imported.history.sourceVaultFingerprint}, verified under this master key; ${v.imported.entriesAfter} entries follow it` };
  }
  if (v.ok && v.headIn === 'own') return { head: shown, found: true, detail: `head ${shown} is in this vault's own log` };
  return { head: shown, found: false, detail: v.problem?.reason ?? `head ${shown} was not found` };
}
