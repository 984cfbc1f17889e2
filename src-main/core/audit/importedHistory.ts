import { CustosError } from '../../../shared/errors.js';
import { equalBytes, toHex, utf8Bytes } from '../crypto/bytes.js';
import type { InternalContext } from '../keystore/internal.js';
import type { Keystore } from '../keystore/keystore.js';
import { sha256 } from './entry.js';
import { ENTRY_BUDGET, hashAt, historyProblem, parseHistory, PREFIX_BYTES, signHistory, type HistoryDocument } from './historyDocument.js';
import { auditKeysFor } from './keys.js';
import { formatHead } from './report.js';
import type { TranscriptEntry } from './transcript.js';
import { splitFacts, type ImportedCeremony } from './transcriptCeremony.js';
import type { ExternalHead } from './verify.js';

/** Rough JSON size of an entry beyond its text columns (hex hashes, field names). */
const ENTRY_OVERHEAD = 220;

/**
 * The source keystore's audit history, as UTF-8 JSON to put in a backup
 * bundle at export (docs/formats/audit.md, "Imported histories"): the newest
 * entries in full up to ENTRY_BUDGET, hash prefixes for older ones, signed
 * with the transcript signing key. Its size is bounded whatever the key count
 * (about 256 KiB plus 11 characters per older entry). The log is verified first
 * and a log that fails is never signed: AUDIT_TAMPERED, and the export stops.
 * Call inside the export's transaction, so the history is the state exported.
 * Never returns null today (every keystore has a log); null is kept for "nothing to carry".
 */
export function auditHistoryForBundle(ctx: InternalContext): string | null {
  const log = ctx.audit.log;
  const verdict = log.verify();
  const head = log.head();
  if (!verdict.ok || !head) {
    const p = verdict.problem;
    throw new CustosError('AUDIT_TAMPERED', `the audit log fails verification (${p ? `entry ${p.seq} ${p.kind}: ${p.reason}` : 'no head'}), so its history cannot be signed into the bundle; nothing was exported. Run 'custos audit verify' and investigate`);
  }
  // Newest first: keep whole entries while they fit the budget (always at least the head's).
  const sizes = ctx.db.prepare('SELECT seq, length(subject) + length(at) + length(operation) + ifnull(length(actor), 0) + length(outcome) AS size FROM audit_log ORDER BY seq DESC');
  let anchor = head.seq;
  let used = 0;
  for (const row of sizes.iterate() as IterableIterator<{ seq: number; size: number }>) {
    if (anchor < head.seq && used + row.size + ENTRY_OVERHEAD > ENTRY_BUDGET) break;
    used += row.size + ENTRY_OVERHEAD;
    anchor = row.seq - 1;
  }
  const earlier = new Uint8Array(anchor * PREFIX_BYTES);
  let anchorHash = log.genesis;
  const older = ctx.db.prepare('SELECT seq, hash FROM audit_log WHERE seq <= ? ORDER BY seq');
  for (const row of older.iterate(anchor) as IterableIterator<{ seq: number; hash: Uint8Array }>) {
    earlier.set(row.hash.subarray(0, PREFIX_BYTES), (row.seq - 1) * PREFIX_BYTES);
    if (row.seq === anchor) anchorHash = row.hash;
  }
  const doc = signHistory(
    { rows: log.rows(anchor), earlier, anchor: { seq: anchor, hash: anchorHash }, head },
    { keystoreId: ctx.keystoreId, vaultFingerprint: ctx.vaultFingerprint, exportedAt: new Date().toISOString() },
    log.keys,
  );
  return JSON.stringify(doc);
}

/**
 * Stores the history a bundle carried, and appends an `audit-history-import`
 * entry that records its digest, so the stored copy is bound into this
 * keystore's own chain. Call inside the import's write transaction. The
 * signature and chain are checked under keys re-derived from THIS keystore's
 * master key and the source keystore id: a history that does not verify (the
 * restore host has another master key, or the document was changed) is still
 * kept, marked unverified, and is never reported as confirming a head. A
 * malformed document throws BUNDLE_MALFORMED (the import rolls back). The
 * same document imported twice is stored once.
 */
export function storeImportedHistory(ctx: InternalContext, json: string, source: { bundleId: string; pairFingerprint: string }): void {
  const { doc, decoded } = parseHistory(json);
  const digest = sha256(utf8Bytes(json));
  if (ctx.db.prepare('SELECT 1 FROM imported_audit_history WHERE document_sha256 = ?').get(digest)) return;
  const problem = historyProblemHere(ctx, doc, decoded);
  const importedAt = new Date().toISOString();
  ctx.db
    .prepare(
      `INSERT INTO imported_audit_history (source_keystore_id, source_vault_fingerprint, exported_at, head_seq, head_hash, document, document_sha256, verified, bundle_id, pair_fingerprint, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(decoded.keystoreId, doc.vaultFingerprint, doc.exportedAt, doc.head.seq, decoded.headHash, json, digest, problem === null ? 1 : 0, source.bundleId, source.pairFingerprint, importedAt);
  ctx.audit.append({
    operation: 'audit-history-import',
    subject: {
      sourceKeystoreId: doc.keystoreId,
      sourceVaultFingerprint: doc.vaultFingerprint,
      head: formatHead(doc.head.seq, doc.head.hash),
      headHash: doc.head.hash,
      exportedAt: doc.exportedAt,
      verified: problem === null,
      problem,
      bundleId: source.bundleId,
      pairFingerprint: source.pairFingerprint,
      documentSha256: toHex(digest),
    },
  });
}

function historyProblemHere(ctx: InternalContext, doc: HistoryDocument, decoded: ReturnType<typeof parseHistory>['decoded']): string | null {
  const keys = auditKeysFor(ctx.masterKey, decoded.keystoreId);
  try {
    return historyProblem(doc, decoded, keys.signingKey().publicKey);
  } finally {
    keys.dispose();
  }
}

/** One stored history as `audit verify --head` and `info` describe it. */
export interface ImportedHistoryView {
  sourceKeystoreId: string;
  sourceVaultFingerprint: string;
  exportedAt: string;
  /** `SEQ:HASH16` of the source's log when it was exported. */
  head: string;
  headSeq: number;
  bundleId: string;
  pairFingerprint: string;
  importedAt: string;
  /** Checked again now: signature and chain under this master key, and recorded by an authentic entry of this log. */
  verified: boolean;
  /** Why it is not verified; null when it is. */
  problem: string | null;
}

export interface ImportedHeadMatch {
  history: ImportedHistoryView;
  seq: number;
  /** The hash of that entry as the history knows it (16 hex digits for entries it carries as prefixes). */
  hash: string;
  /** How many hex digits were compared (the shorter of the head given and the hash known). */
  comparedDigits: number;
  entriesAfter: number;
}

/**
 * The imported histories, each re-verified now. `recorded` asks whether this
 * keystore's own (already verified) chain holds the entry that imported it.
 */
export function importedHistories(ctx: InternalContext): Array<{ view: ImportedHistoryView; hashAt: (seq: number) => string | null; entries: TranscriptEntry[] }> {
  const rows = ctx.db
    .prepare('SELECT source_keystore_id, source_vault_fingerprint, exported_at, head_seq, head_hash, document, document_sha256, bundle_id, pair_fingerprint, imported_at FROM imported_audit_history ORDER BY id')
    .all() as StoredRow[];
  const recorded = ctx.db.prepare("SELECT at, subject FROM audit_log WHERE operation = 'audit-history-import' AND json_extract(subject, '$.documentSha256') = ? ORDER BY seq LIMIT 1");
  return rows.map((row) => {
    let parsed: ReturnType<typeof parseHistory> | null = null;
    let problem: string | null = null;
    try {
      parsed = parseHistory(row.document);
    } catch {
      problem = 'its stored copy is damaged';
    }
    if (parsed && !equalBytes(sha256(utf8Bytes(row.document)), row.document_sha256)) problem = 'its stored copy was changed after it was imported';
    if (parsed && problem === null) problem = historyProblemHere(ctx, parsed.doc, parsed.decoded);
    const entry = recorded.get(toHex(row.document_sha256)) as { at: string; subject: string } | undefined;
    if (problem === null && !entry) problem = 'no entry of this keystore’s log records importing it';
    // What verified speaks for itself: the source from the signed document, the bundle and date from this log's own entry.
    const d = problem === null && parsed ? parsed.doc : null;
    const recordedAs = d && entry ? (JSON.parse(entry.subject) as { bundleId?: string; pairFingerprint?: string }) : null;
    const view: ImportedHistoryView = {
      sourceKeystoreId: d ? d.keystoreId : toHex(row.source_keystore_id),
      sourceVaultFingerprint: d ? d.vaultFingerprint : row.source_vault_fingerprint,
      exportedAt: d ? d.exportedAt : row.exported_at,
      head: d ? formatHead(d.head.seq, d.head.hash) : formatHead(row.head_seq, toHex(row.head_hash)),
      headSeq: d ? d.head.seq : row.head_seq,
      bundleId: recordedAs?.bundleId ?? row.bundle_id,
      pairFingerprint: recordedAs?.pairFingerprint ?? row.pair_fingerprint,
      importedAt: entry && d ? entry.at : row.imported_at,
      verified: problem === null,
      problem,
    };
    const doc = parsed;
    return { view, hashAt: (seq: number) => (doc ? hashAt(doc.doc, doc.decoded, seq) : null), entries: d ? d.entries : [] };
  });
}

interface StoredRow {
  source_keystore_id: Uint8Array;
  source_vault_fingerprint: string;
  exported_at: string;
  head_seq: number;
  head_hash: Uint8Array;
  document: string;
  document_sha256: Uint8Array;
  bundle_id: string;
  pair_fingerprint: string;
  imported_at: string;
}

/** The imported histories that hold `head` (seq and hash prefix), verified ones first. */
export function findImportedHead(ctx: InternalContext, head: ExternalHead): ImportedHeadMatch[] {
  const matches: ImportedHeadMatch[] = [];
  for (const h of importedHistories(ctx)) {
    const known = h.hashAt(head.seq);
    if (known === null) continue;
    const digits = Math.min(known.length, head.hash.length);
    if (known.slice(0, digits) !== head.hash.slice(0, digits).toLowerCase()) continue;
    matches.push({ history: h.view, seq: head.seq, hash: known, comparedDigits: digits, entriesAfter: h.view.headSeq - head.seq });
  }
  return matches.sort((a, b) => Number(b.history.verified) - Number(a.history.verified));
}

/** The histories imported with bundles, each checked again now (for `audit head`, `info`). */
export function listImportedHistories(keystore: Keystore): ImportedHistoryView[] {
  return keystore.internal('read', (ctx) => importedHistories(ctx).map((h) => h.view));
}

/** One line a person reads for an imported history. */
export function importedHistoryLine(h: ImportedHistoryView): string {
  const state = h.verified ? 'verified under this master key' : `NOT verified: ${h.problem ?? 'unknown'}`;
  return `history of vault ${h.sourceVaultFingerprint} up to head ${h.head} (bundle ${h.pairFingerprint}, imported ${h.importedAt.slice(0, 10)}), ${state}`;
}

/** The newest paper ceremony in a verified imported history (its complete entries), for a restore host's printed transcript. */
export function importedCeremony(keystore: Keystore): ImportedCeremony | null {
  return keystore.internal('read', (ctx) => {
    for (const h of importedHistories(ctx).reverse()) {
      const split = h.view.verified ? splitFacts(h.entries, h.view.headSeq) : null;
      if (split) return { split, sourceVault: h.view.sourceVaultFingerprint, pairFingerprint: h.view.pairFingerprint, historyHead: h.view.head };
    }
    return null;
  });
}
