import type { HeadVerdict } from '../../../core/audit/headCheck.js';
import type { VerifyOutcome } from '../../../core/audit/verify.js';

/** The verdict in words: "ok: …", or "FAILED: entry N edited: why". */
export function verdictText(v: VerifyOutcome, what: string): string {
  if (v.ok) return `ok: ${what}: ${v.entries} entries, every one authentic and in place; head ${v.head ? `${v.head.seq}:${v.head.hash.slice(0, 16)}` : '-'}`;
  const p = v.problem;
  if (p && (p.kind === 'head-unknown' || p.kind === 'head-unverified')) return `FAILED: ${p.kind}: ${p.reason}`;
  return `FAILED: ${p ? `entry ${p.seq} ${p.kind}: ${p.reason}` : 'unknown problem'}`;
}

/** A head found in a history imported with a bundle (restore host), and this keystore's own log. */
export function importedHeadText(v: HeadVerdict): string {
  const m = v.imported;
  if (!m) return verdictText(v, 'audit log');
  const h = m.history;
  const digits = m.comparedDigits < 64 ? ` (compared on ${m.comparedDigits} hex digits)` : '';
  return [
    `ok: head ${m.seq}:${m.hash.slice(0, 16)} belongs to the history imported from vault ${h.sourceVaultFingerprint} (bundle ${h.pairFingerprint}, imported ${h.importedAt.slice(0, 10)})${digits}: ${m.entriesAfter} entries after it in that history, which ends at head ${h.head}`,
    `this keystore's own log starts at its restore: ${v.entries} entries, every one authentic and in place; head ${v.head ? `${v.head.seq}:${v.head.hash.slice(0, 16)}` : '-'}`,
  ].join('\n');
}
