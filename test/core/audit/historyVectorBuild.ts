import { genesisHash, type AuditDraft, type AuditRow } from '../../../src-main/core/audit/entry.js';
import { PREFIX_BYTES, signHistory, type HistoryDocument } from '../../../src-main/core/audit/historyDocument.js';
import { auditKeysFor } from '../../../src-main/core/audit/keys.js';
import { chainEntry } from '../../../src-main/core/audit/log.js';

/** The inputs of test/vectors/audit-history-v1.json: a test master key (not a secret), a keystore id, entries, a time. */
export interface HistoryVectorInput {
  masterKey: string;
  keystoreId: string;
  vaultFingerprint: string;
  exportedAt: string;
  /** Entries up to and including this seq travel as hash prefixes. */
  anchor: number;
  entries: AuditDraft[];
}

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

/** Builds the document the way auditHistoryForBundle does, from fixed inputs (Ed25519 signatures are deterministic). */
export function buildVectorDocument(input: HistoryVectorInput): HistoryDocument {
  const keystoreId = hex(input.keystoreId);
  const keys = auditKeysFor(hex(input.masterKey), keystoreId);
  const rows: AuditRow[] = [];
  let tip = { seq: 0, hash: genesisHash(keystoreId) };
  for (const draft of input.entries) {
    const row = chainEntry(tip, draft, null, keys);
    rows.push(row);
    tip = row;
  }
  const earlier = new Uint8Array(input.anchor * PREFIX_BYTES);
  rows.slice(0, input.anchor).forEach((r, i) => earlier.set(r.hash.subarray(0, PREFIX_BYTES), i * PREFIX_BYTES));
  const anchor = input.anchor === 0 ? { seq: 0, hash: genesisHash(keystoreId) } : { seq: input.anchor, hash: rows[input.anchor - 1]?.hash ?? new Uint8Array(32) };
  try {
    return signHistory({ rows: rows.slice(input.anchor), earlier, anchor, head: tip }, { keystoreId, vaultFingerprint: input.vaultFingerprint, exportedAt: input.exportedAt }, keys);
  } finally {
    keys.dispose();
  }
}
