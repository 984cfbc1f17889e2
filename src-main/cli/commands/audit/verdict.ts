import type { VerifyOutcome } from '../../../core/audit/verify.js';

/** The verdict in words: "ok: …", or "FAILED: entry N edited: why". */
export function verdictText(v: VerifyOutcome, what: string): string {
  if (v.ok) return `ok: ${what}: ${v.entries} entries, every one authentic and in place; head ${v.head ? `${v.head.seq}:${v.head.hash.slice(0, 16)}` : '-'}`;
  const p = v.problem;
  return `FAILED: ${p ? `entry ${p.seq} ${p.kind}: ${p.reason}` : 'unknown problem'}`;
}
