import { CustosError } from '../../../shared/errors.js';
import { equalBytes } from '../crypto/bytes.js';
import type Database from 'better-sqlite3';
import type { Db } from '../keystore/sqlite.js';
import { canonicalJson, entryHash, genesisHash, START_OPERATIONS, type AuditDraft, type AuditHeadRow, type AuditRow } from './entry.js';
import type { AuditKeys } from './keys.js';
import { keyedCheck, verifyChain, type ExternalHead, type VerifyOutcome } from './verify.js';
import { walkInBatches, type WalkOptions } from './verifyBatches.js';

const COLUMNS = 'seq, at, operation, actor, subject, outcome, prev, hash, mac';
/** A row of COLUMNS, in order, as SQLite returns it in raw mode. */
type AuditRowValues = [number, string, string, string | null, string, string, Uint8Array, Uint8Array, Uint8Array | null];

const toRow = (r: AuditRowValues): AuditRow => ({ seq: r[0], at: r[1], operation: r[2], actor: r[3], subject: r[4], outcome: r[5], prev: r[6], hash: r[7], mac: r[8] });

/**
 * The first pass's rows: prev, hash and MAC as one 96-byte blob. better-sqlite3 makes a Buffer per
 * blob, and three of them were a third of reading a row. The blob is there only when all three are
 * 32-byte blobs; otherwise (a file edited past its CHECK constraints) the row fails the fast walk
 * and the one-thread walk, which reads each column, names the problem.
 */
const PAGE_COLUMNS = `seq, at, operation, actor, subject, outcome,
  CASE WHEN typeof(prev) = 'blob' AND typeof(hash) = 'blob' AND typeof(mac) = 'blob' AND length(prev) = 32 AND length(hash) = 32 AND length(mac) = 32
    THEN CAST(prev || hash || mac AS BLOB) END`;
type PageValues = [number, string, string, string | null, string, string, Uint8Array | null];
const NONE = new Uint8Array(0);
const fromPage = (r: PageValues): AuditRow => {
  const links = r[6] instanceof Uint8Array && r[6].length === 96 ? r[6] : null;
  return { seq: r[0], at: r[1], operation: r[2], actor: r[3], subject: r[4], outcome: r[5], prev: links?.subarray(0, 32) ?? NONE, hash: links?.subarray(32, 64) ?? NONE, mac: links?.subarray(64, 96) ?? null };
};

/** The next entry after `tip`, hashed and MACed: the whole of what `append` computes. */
export function chainEntry(tip: { seq: number; hash: Uint8Array }, draft: AuditDraft, actor: string | null, keys: AuditKeys): AuditRow {
  const fields = {
    seq: tip.seq + 1,
    at: draft.at ?? new Date().toISOString(),
    operation: draft.operation,
    actor: draft.actor === undefined ? actor : draft.actor,
    subject: canonicalJson(draft.subject),
    outcome: draft.outcome ?? 'ok',
    prev: tip.hash,
  };
  const hash = entryHash(fields);
  if (!hash) throw new CustosError('INTERNAL', 'an audit entry could not be encoded');
  return { ...fields, hash, mac: keys.entryMac(fields.seq, hash) };
}

/** The authenticated head for an entry. */
export function headFor(row: { seq: number; hash: Uint8Array }, keys: AuditKeys): AuditHeadRow {
  return { seq: row.seq, hash: row.hash, mac: keys.headMac(row.seq, row.hash) };
}

const tampered = (why: string) =>
  new CustosError('AUDIT_TAMPERED', `the audit log ${why}; nothing was changed. Run 'custos audit verify' and investigate before making changes`);

/**
 * The audit log of one keystore, in its database. `append` must run inside
 * the caller's write transaction, so the entry and the change it records
 * commit together or not at all.
 */
export class AuditLog {
  readonly genesis: Uint8Array;
  private readonly statements = new Map<string, Database.Statement>();
  /** The head this session wrote last: found unchanged in the file, it needs no MAC check. */
  private written: AuditHeadRow | null = null;

  constructor(
    readonly db: Db,
    readonly keystoreId: Uint8Array,
    readonly keys: AuditKeys,
  ) {
    this.genesis = genesisHash(keystoreId);
  }

  /**
   * Appends one entry and moves the head. Refuses (AUDIT_TAMPERED) when the
   * head does not authenticate or does not match the newest entry, rather than
   * chain onto a log that was tampered with; throws AUDIT_WRITE_FAILED when
   * SQLite cannot store the entry. Either way the caller's transaction rolls back.
   */
  append(draft: AuditDraft, actor: string | null): AuditRow {
    const row = chainEntry(this.tip(draft.operation), draft, actor, this.keys);
    const head = headFor(row, this.keys);
    try {
      this.sql(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(row.seq, row.at, row.operation, row.actor, row.subject, row.outcome, row.prev, row.hash, row.mac);
      this.sql('INSERT INTO audit_head (singleton, seq, hash, mac) VALUES (1, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac').run(head.seq, head.hash, head.mac);
      this.written = head;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new CustosError('AUDIT_WRITE_FAILED', `the audit entry for '${draft.operation}' could not be written (${typeof code === 'string' ? code : 'error'}), so the change was not made`, { cause: error });
    }
    return row;
  }

  head(): AuditHeadRow | null {
    return (this.sql('SELECT seq, hash, mac FROM audit_head WHERE singleton = 1').get() as AuditHeadRow | undefined) ?? null;
  }

  rows(since = 0): AuditRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq`).all(since) as AuditRow[];
  }

  /** Run inside one read transaction, so the rows and the head are one state. */
  verify(external?: ExternalHead, options: WalkOptions = {}): VerifyOutcome {
    // Rows come as arrays and become objects here: better-sqlite3 builds a row object property by
    // property, which cost more than the hash and MAC of the entry (half of verify's time).
    const select = this.db.prepare(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq`).raw(true);
    function* rows(): Generator<AuditRow> {
      for (const r of select.iterate() as IterableIterator<AuditRowValues>) yield toRow(r);
    }
    // The first pass in pages and two threads; when a row does not fit, verifyChain walks again in one to name it.
    const page = this.db.prepare(`SELECT ${PAGE_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1024`).raw(true);
    const head = this.head();
    const walked = walkInBatches((after) => (page.all(after) as PageValues[]).map(fromPage), this.genesis, this.keys, external, { entries: head?.seq ?? 0, ...options }) ?? undefined;
    const check = keyedCheck(this.keys);
    try {
      return verifyChain(rows, head, this.genesis, check, external, walked);
    } finally {
      check.dispose?.();
    }
  }

  private isWritten(head: AuditHeadRow): boolean {
    const w = this.written;
    return w !== null && w.seq === head.seq && equalBytes(w.hash, head.hash) && head.mac !== null && w.mac !== null && equalBytes(w.mac, head.mac);
  }

  /** Statements are prepared once per session: an append is a few microseconds of SQLite. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Where the next entry chains on: the head, once it is shown to be sound and to match the newest entry. */
  private tip(operation: string): { seq: number; hash: Uint8Array } {
    const head = this.head();
    const last = this.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Uint8Array } | undefined;
    if (!head && !last) {
      if (!START_OPERATIONS.includes(operation)) throw tampered('is empty (its entries and head were removed)');
      return { seq: 0, hash: this.genesis };
    }
    if (!head) throw tampered('has no head');
    if (!this.isWritten(head) && !this.keys.headMacOk(head)) throw tampered('head fails its MAC');
    if (!last || last.seq !== head.seq || !equalBytes(last.hash, head.hash)) throw tampered(`head (seq ${head.seq}) does not match its newest entry (seq ${last?.seq ?? 0})`);
    return { seq: head.seq, hash: head.hash };
  }
}
