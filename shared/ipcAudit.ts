/**
 * The audit screen's part of the IPC contract (docs/app.md, "The audit
 * screen"). Entries travel a page at a time, so a 100,000-entry log never
 * crosses IPC whole; subjects are summarized in the worker (names, versions,
 * fingerprints: never key material). The export writes the signed
 * transcript to a file main's save dialog chose; only its path comes back.
 */
import { z } from 'zod';

/** The most entries one `audit:page` returns: what a screen or two of rows needs. */
export const AUDIT_PAGE_MAX = 500;
export const TRANSCRIPT_FORMATS = ['json', 'pdf'] as const;

const text = (max: number) => z.string().max(max);
const hex = z.string().regex(/^[0-9a-f]{64}$/);
/** YYYY-MM-DD, compared with an entry's UTC timestamp. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');

export const auditFilterSchema = z.strictObject({
  operation: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
  actor: text(100).optional(),
  /** A key name (or part of one) anywhere in the entry's subject. */
  key: text(300).optional(),
  from: day.optional(),
  to: day.optional(),
});

const auditRowSchema = z.strictObject({
  seq: z.int().min(1),
  at: text(40),
  operation: text(64),
  actor: text(200).nullable(),
  /** One line in words (summarizeSubject, with fingerprints). */
  details: text(2000),
  outcome: text(64),
  /** The first 16 hex digits of the entry's hash. */
  hash: z.string().regex(/^[0-9a-f]{16}$/),
});

const headSchema = z.strictObject({
  seq: z.int().min(0),
  hash: hex,
  /** `SEQ:HASH16`, as sheets and transcripts print it. */
  head: text(100),
  authentic: z.boolean(),
});

export const auditProblemSchema = z.strictObject({ kind: text(40), seq: z.int().min(0), reason: text(2000) });

export const AUDIT_CONTRACT = {
  'audit:head': {
    request: z.strictObject({}),
    response: headSchema.extend({ entries: z.int().min(0), operations: z.array(text(64)).max(200) }),
  },
  'audit:page': {
    request: z.strictObject({ filter: auditFilterSchema, offset: z.int().min(0), limit: z.int().min(1).max(AUDIT_PAGE_MAX) }),
    /** `total`: how many entries match the filter; `entries`: those at offset..offset+limit, oldest first. */
    response: z.strictObject({ total: z.int().min(0), offset: z.int().min(0), entries: z.array(auditRowSchema).max(AUDIT_PAGE_MAX) }),
  },
  'audit:verify': {
    request: z.strictObject({}),
    response: z.strictObject({ ok: z.boolean(), entries: z.int().min(0), head: z.strictObject({ seq: z.int().min(0), hash: hex }).nullable(), problem: auditProblemSchema.nullable(), ms: z.int().min(0) }),
  },
  'audit:export': {
    request: z.strictObject({ format: z.enum(TRANSCRIPT_FORMATS) }),
    response: z.strictObject({ file: text(4096), entries: z.int().min(0), head: text(100) }),
  },
} as const;

export type AuditFilter = z.input<typeof auditFilterSchema>;
export type AuditRowView = z.output<typeof auditRowSchema>;
export type AuditProblemView = z.output<typeof auditProblemSchema>;
