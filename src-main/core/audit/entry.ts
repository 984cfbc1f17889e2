import { createHash, type Hash } from 'node:crypto';
import { encodeFields, u32be } from '../crypto/bytes.js';

/** SHA-256 through node:crypto, for the reason given in keys.ts (many small buffers while verifying). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Everything the log records. Later features add their own operation names here. */
export const AUDIT_OPERATIONS = [
  'init',
  'audit-start',
  'unlock',
  'unlock-failed',
  'unlock-unverified',
  'key-generate',
  'key-rotate',
  'key-disable',
  'key-enable',
  'key-destroy',
  'export',
  'import',
  'paper-split',
  'paper-check',
  'paper-restore',
  'audit-export',
  'master-key-rotate',
  'unlock-method-add',
  'unlock-method-remove',
  'kek-create',
  'kek-disable',
  'kek-enable',
  'kek-destroy',
  'key-import',
  'audit-history-import',
  'vault-rename',
  'ceremony-air-gap-override',
  'ceremony-abandoned',
  'ceremony-begun-before-vault',
] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

/** The only operations that may open a log: entry 1 is always one of these. */
export const START_OPERATIONS: readonly string[] = ['init', 'audit-start'];

/** What goes in `subject`: key names, versions, fingerprints, counts. Never a secret. */
export type AuditSubject = { [field: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [field: string]: JsonValue };

/** An entry as a caller asks for it; the log fills in seq, prev, hash and mac. */
export interface AuditDraft {
  operation: AuditOperation;
  subject: AuditSubject;
  /** "ok", or the error code of a recorded failure. */
  outcome?: string;
  /** Defaults to the session's actor. */
  actor?: string | null;
  /** Defaults to now. */
  at?: string;
}

/**
 * One stored entry. Fields come from the database (or a transcript) and may
 * have been tampered with, so nothing here is trusted until verified.
 */
export interface AuditRow {
  seq: number;
  at: string;
  operation: string;
  actor: string | null;
  /** Canonical JSON text, hashed exactly as stored. */
  subject: string;
  outcome: string;
  prev: Uint8Array;
  hash: Uint8Array;
  /** Absent in transcripts (they are signed instead). */
  mac: Uint8Array | null;
}

export interface AuditHeadRow {
  seq: number;
  hash: Uint8Array;
  mac: Uint8Array | null;
}

export const HASH_BYTES = 32;

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('audit subjects hold finite numbers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const fields = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${fields.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
}

/** The chain starts from a value bound to the keystore, so two keystores' logs cannot be spliced. */
export function genesisHash(keystoreId: Uint8Array): Uint8Array {
  return sha256(encodeFields(['custos/audit/genesis/v1', keystoreId]));
}

/**
 * hash_i = SHA-256 of the length-prefixed fields. `actor` is preceded by a
 * presence flag so that "no actor" and an empty name never hash alike.
 * Returns null for a row whose fields cannot be encoded (a seq edited to a
 * negative or fractional number, say): such a row is simply not authentic.
 */
export function entryHash(row: Omit<AuditRow, 'hash' | 'mac'>): Uint8Array | null {
  if (!Number.isInteger(row.seq) || row.seq < 1 || row.seq > 0xffffffff) return null;
  if (typeof row.at !== 'string' || typeof row.operation !== 'string' || typeof row.subject !== 'string' || typeof row.outcome !== 'string') return null;
  if (row.actor !== null && typeof row.actor !== 'string') return null;
  if (!(row.prev instanceof Uint8Array) || row.prev.length !== HASH_BYTES) return null;
  // The same bytes as sha256(encodeFields([...])), fed field by field (no concatenation): it is the hot path of verify.
  const h = createHash('sha256');
  for (const field of ['custos/audit/v1', row.seq, row.at, row.operation, row.actor === null ? 0 : 1, row.actor ?? '', row.subject, row.outcome, row.prev]) feed(h, field);
  return new Uint8Array(h.digest());
}

function feed(h: Hash, field: string | number | Uint8Array): void {
  if (typeof field === 'number') {
    h.update(u32be(4)).update(u32be(field));
  } else if (typeof field === 'string') {
    h.update(u32be(Buffer.byteLength(field, 'utf8'))).update(field, 'utf8');
  } else {
    h.update(u32be(field.length)).update(field);
  }
}

/** The reference definition of the entry hash, which `entryHash` computes faster; tests hold them equal. */
export function entryHashReference(row: Omit<AuditRow, 'hash' | 'mac'>): Uint8Array {
  return sha256(encodeFields(['custos/audit/v1', row.seq, row.at, row.operation, row.actor === null ? 0 : 1, row.actor ?? '', row.subject, row.outcome, row.prev]));
}
