import type { Keystore } from '../keystore/keystore.js';
import { findImportedHead, importedHistories, type ImportedHeadMatch, type ImportedHistoryView } from './importedHistory.js';
import { formatHead } from './report.js';
import type { ExternalHead, VerifyOutcome } from './verify.js';

/** `audit verify --head`: today's outcome, and where the head was found. */
export interface HeadVerdict extends VerifyOutcome {
  /** 'own': in this keystore's log; 'imported': in a history imported with a bundle; null: neither (or the log itself fails). */
  headIn: 'own' | 'imported' | null;
  /** The imported history that holds the head (ok), or one that would but does not verify here. */
  imported: ImportedHeadMatch | null;
  /** The histories this keystore holds, named in a failure. */
  histories: ImportedHistoryView[];
}

const show = (h: ExternalHead) => `${h.seq}:${h.hash}`;

/**
 * Checks this keystore's log and a head seen elsewhere. A head in the log, or
 * a log that fails on its own, is reported as `audit verify` always did. A
 * head that is not in a sound log is looked up in the histories imported with
 * bundles (a restore host holds the source's heads there): found in one that
 * verifies under this master key, the verdict is ok; found only in one that
 * does not verify, `head-unverified`; found nowhere, `head-unknown`, naming
 * both. A keystore with no imported history keeps today's verdict
 * (`truncated`, `forked`: an older copy, another history).
 */
export function verifyHead(keystore: Keystore, external: ExternalHead): HeadVerdict {
  return keystore.internal('read', (ctx) => {
    const withHead = ctx.audit.log.verify(external);
    if (withHead.ok) return { ...withHead, headIn: 'own', imported: null, histories: [] };
    const alone = ctx.audit.log.verify();
    if (!alone.ok) return { ...withHead, headIn: null, imported: null, histories: [] };
    const histories = importedHistories(ctx).map((h) => h.view);
    if (histories.length === 0) return { ...withHead, headIn: null, imported: null, histories };
    const own = `this keystore's own log (${alone.entries} entries, head ${alone.head ? formatHead(alone.head.seq, alone.head.hash) : '-'}, every one authentic) starts at its own creation`;
    const [match] = findImportedHead(ctx, external);
    if (match?.history.verified) return { ...alone, headIn: 'imported', imported: match, histories };
    if (match) {
      const reason = `head ${show(external)} matches entry ${match.seq} of the history imported from vault ${match.history.sourceVaultFingerprint} (bundle ${match.history.pairFingerprint}), but that history does not verify on this host: ${match.history.problem ?? 'unknown'}. It is not confirmed; ${own}`;
      return { ...alone, ok: false, headIn: null, imported: match, histories, problem: { kind: 'head-unverified', seq: external.seq, reason } };
    }
    const where = histories.map((h) => `vault ${h.sourceVaultFingerprint} (bundle ${h.pairFingerprint}, entries 1-${h.headSeq}, head ${h.head}${h.verified ? '' : ', unverified'})`).join('; ');
    const older = alone.head && external.seq > alone.head.seq ? `, or this keystore is an older copy of itself (its log ends at ${alone.head.seq})` : '';
    const reason = `head ${show(external)} is neither in ${own.replace(' starts at its own creation', '')} nor in the history imported from ${where}: it was not printed by this vault's source, or it was mistyped${older}`;
    return { ...alone, ok: false, headIn: null, imported: null, histories, problem: { kind: 'head-unknown', seq: external.seq, reason } };
  });
}
