/**
 * The audit screen's worker operations. Pages are read straight from the
 * log's table with the filter in SQL, so a 100,000-entry log is never loaded
 * whole for display; verification walks it once with the core's verifier.
 */
import { toHex } from '../../core/crypto/bytes.js';
import type { AuditRow, JsonValue } from '../../core/audit/entry.js';
import { auditHead, exportTranscript, verifyAudit } from '../../core/audit/report.js';
import { summarizeSubject } from '../../core/audit/summary.js';
import { renderTranscriptHtml } from '../../core/audit/transcriptHtml.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import type { AuditFilter, AuditProblemView, AuditRowView } from '../../../shared/ipcAudit.js';

export interface AuditOps {
  auditHead: { args: Record<string, never>; result: { seq: number; hash: string; head: string; authentic: boolean; entries: number; operations: string[] } };
  auditPage: { args: { filter: AuditFilter; offset: number; limit: number }; result: { total: number; offset: number; entries: AuditRowView[] } };
  auditVerify: { args: Record<string, never>; result: { ok: boolean; entries: number; head: { seq: number; hash: string } | null; problem: AuditProblemView | null; ms: number } };
  /** Records the export, verifies and signs; returns the JSON text or the printable HTML. */
  auditExport: { args: { format: 'json' | 'pdf' }; result: { content: string; entries: number; head: string } };
}

type Impl = { [K in keyof AuditOps]: (args: AuditOps[K]['args']) => AuditOps[K]['result'] };

/** LIKE with the user's text taken literally. */
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function where(filter: AuditFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, param: unknown) => {
    parts.push(sql);
    params.push(param);
  };
  if (filter.operation) add('operation = ?', filter.operation);
  if (filter.actor) add("actor LIKE ? ESCAPE '\\'", likeText(filter.actor));
  if (filter.key) add("subject LIKE ? ESCAPE '\\'", likeText(filter.key));
  // Timestamps are ISO 8601 in UTC, so text order is time order; `to` takes in its whole day.
  if (filter.from) add('at >= ?', filter.from);
  if (filter.to) add('at < ?', `${filter.to}T99`);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The columns a page reads: an entry as the log stores it, without the chain link and MAC. */
type Row = Pick<AuditRow, 'seq' | 'at' | 'operation' | 'actor' | 'subject' | 'outcome' | 'hash'>;

function details(subject: string): string {
  try {
    return summarizeSubject(JSON.parse(subject) as JsonValue, { fingerprints: true }).slice(0, 2000);
  } catch {
    return '(unreadable details: run verification)';
  }
}

export function auditOps(unlocked: () => Keystore): Impl {
  return {
    auditHead: () => {
      const ks = unlocked();
      const view = auditHead(ks);
      return ks.internal('read', (ctx) => {
        const db = ctx.audit.log.db;
        const { n } = db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number };
        const ops = db.prepare('SELECT DISTINCT operation FROM audit_log ORDER BY operation LIMIT 200').pluck().all() as string[];
        return { seq: view.seq, hash: view.hash, head: view.head, authentic: view.authentic, entries: n, operations: ops };
      });
    },

    auditPage: ({ filter, offset, limit }) =>
      unlocked().internal('read', (ctx) => {
        const db = ctx.audit.log.db;
        const w = where(filter);
        const { n } = db.prepare(`SELECT count(*) AS n FROM audit_log ${w.sql}`).get(...w.params) as { n: number };
        const rows = db.prepare(`SELECT seq, at, operation, actor, subject, outcome, hash FROM audit_log ${w.sql} ORDER BY seq LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as Row[];
        const entries = rows.map((r) => ({
          seq: r.seq,
          at: r.at,
          operation: r.operation,
          actor: r.actor,
          details: details(r.subject),
          outcome: r.outcome,
          hash: r.hash instanceof Uint8Array && r.hash.length >= 8 ? toHex(r.hash).slice(0, 16) : '0000000000000000',
        }));
        return { total: n, offset, entries };
      }),

    auditVerify: () => {
      const started = performance.now();
      const outcome = verifyAudit(unlocked());
      return { ...outcome, ms: Math.round(performance.now() - started) };
    },

    auditExport: ({ format }) => {
      const transcript = exportTranscript(unlocked(), { format, via: 'app' });
      const content = format === 'json' ? `${JSON.stringify(transcript, null, 2)}\n` : renderTranscriptHtml(transcript, null);
      return { content, entries: transcript.entries.length, head: `${transcript.head.seq}:${transcript.head.hash.slice(0, 16)}` };
    },
  };
}
