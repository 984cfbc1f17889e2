import { CustosError } from '../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, encodeFields, equalBytes, toHex } from '../crypto/bytes.js';
import { canonicalJson, entryHash, genesisHash, HASH_BYTES, sha256, type AuditRow } from './entry.js';
import { ed25519Sign, ed25519Verify, type AuditKeys } from './keys.js';
import { toTranscriptEntry, type TranscriptEntry } from './transcript.js';

export const HISTORY_FORMAT = 'custos-audit-history';
export const HISTORY_VERSION = 1;
/** Entries older than the anchor travel as the first 8 bytes of their hash: enough to match `SEQ:HASH16`. */
export const PREFIX_BYTES = 8;
/** Cap on the complete entries carried (their JSON, roughly); older ones travel as hash prefixes only. */
export const ENTRY_BUDGET = 256 * 1024;
/** Cap on a document accepted at import: the budget, prefixes of 2^20 entries, and room to spare. */
export const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;

/**
 * A keystore's audit history as a backup bundle carries it (docs/formats/audit.md,
 * "Imported histories"): the newest entries in full from `anchor` to `head`,
 * the hash prefixes of the entries up to `anchor`, and an Ed25519 signature by
 * the keystore's transcript signing key over all of it.
 */
export interface HistoryDocument {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_VERSION;
  keystoreId: string;
  vaultFingerprint: string;
  exportedAt: string;
  publicKey: string;
  head: { seq: number; hash: string };
  /** The entry just before the first complete one: seq 0 and the genesis value when every entry is complete. */
  anchor: { seq: number; hash: string };
  /** base64 of `anchor.seq` hash prefixes (PREFIX_BYTES each), entries 1..anchor.seq in order. */
  earlier: string;
  entries: TranscriptEntry[];
  signature: string;
}

interface Decoded {
  keystoreId: Uint8Array;
  headHash: Uint8Array;
  anchorHash: Uint8Array;
  earlier: Uint8Array;
  signature: Uint8Array;
}

const HEX = /^[0-9a-f]*$/;
function hexBytes(text: unknown, bytes: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== bytes * 2 || !HEX.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function payload(d: HistoryDocument, x: Decoded, publicKey: Uint8Array): Uint8Array {
  return encodeFields(['custos/audit/history/v1', x.keystoreId, d.vaultFingerprint, d.exportedAt, publicKey, d.head.seq, x.headHash, d.anchor.seq, x.anchorHash, sha256(x.earlier), d.entries.length]);
}

/** Signs what `collectHistory` read from a verified log. */
export function signHistory(
  parts: { rows: readonly AuditRow[]; earlier: Uint8Array; anchor: { seq: number; hash: Uint8Array }; head: { seq: number; hash: Uint8Array } },
  meta: { keystoreId: Uint8Array; vaultFingerprint: string; exportedAt: string },
  keys: AuditKeys,
): HistoryDocument {
  const { privateKey, publicKey } = keys.signingKey();
  const doc: HistoryDocument = {
    format: HISTORY_FORMAT,
    version: HISTORY_VERSION,
    keystoreId: toHex(meta.keystoreId),
    vaultFingerprint: meta.vaultFingerprint,
    exportedAt: meta.exportedAt,
    publicKey: encodeBase64(publicKey),
    head: { seq: parts.head.seq, hash: toHex(parts.head.hash) },
    anchor: { seq: parts.anchor.seq, hash: toHex(parts.anchor.hash) },
    earlier: encodeBase64(parts.earlier),
    entries: parts.rows.map(toTranscriptEntry),
    signature: '',
  };
  const decoded = { keystoreId: meta.keystoreId, headHash: parts.head.hash, anchorHash: parts.anchor.hash, earlier: parts.earlier, signature: new Uint8Array(0) };
  doc.signature = encodeBase64(ed25519Sign(privateKey, payload(doc, decoded, publicKey)));
  return doc;
}

const malformed = (why: string) => new CustosError('BUNDLE_MALFORMED', `the audit history in the bundle is malformed: ${why}; nothing was imported`);

/** Parses and checks the structure (not the signature or the chain). Throws BUNDLE_MALFORMED. */
export function parseHistory(text: string): { doc: HistoryDocument; decoded: Decoded } {
  if (text.length > MAX_DOCUMENT_CHARS) throw malformed(`it is larger than ${MAX_DOCUMENT_CHARS} characters`);
  let d: Partial<HistoryDocument> | null;
  try {
    d = JSON.parse(text) as Partial<HistoryDocument> | null;
  } catch {
    throw malformed('it is not JSON');
  }
  if (!d || typeof d !== 'object' || d.format !== HISTORY_FORMAT) throw malformed(`"format" is not "${HISTORY_FORMAT}"`);
  if (d.version !== HISTORY_VERSION) throw malformed(`version ${String(d.version)} is not one this build reads (${HISTORY_VERSION})`);
  for (const field of ['vaultFingerprint', 'exportedAt', 'publicKey'] as const) if (typeof d[field] !== 'string') throw malformed(`"${field}" is missing`);
  const seqOk = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
  if (!d.head || !seqOk(d.head.seq) || !d.anchor || !seqOk(d.anchor.seq)) throw malformed('"head" or "anchor" is missing');
  if (!Array.isArray(d.entries) || d.anchor.seq + d.entries.length !== d.head.seq) throw malformed('"entries" do not run from the anchor to the head');
  const keystoreId = hexBytes(d.keystoreId, 16);
  const headHash = hexBytes(d.head.hash, HASH_BYTES);
  const anchorHash = hexBytes(d.anchor.hash, HASH_BYTES);
  const earlier = d.earlier === '' ? new Uint8Array(0) : typeof d.earlier === 'string' ? decodeBase64Strict(d.earlier) : null;
  const signature = typeof d.signature === 'string' ? decodeBase64Strict(d.signature) : null;
  if (!keystoreId || !headHash || !anchorHash || !signature) throw malformed('the keystore id, a hash or the signature is not well-formed');
  if (!earlier || earlier.length !== d.anchor.seq * PREFIX_BYTES) throw malformed(`"earlier" does not hold ${d.anchor.seq} hash prefixes`);
  for (const [i, e] of d.entries.entries()) {
    const ok = e && typeof e === 'object' && typeof e.seq === 'number' && typeof e.at === 'string' && typeof e.operation === 'string' && (e.actor === null || typeof e.actor === 'string') && typeof e.outcome === 'string' && typeof e.prev === 'string' && typeof e.hash === 'string' && e.subject !== undefined;
    if (!ok) throw malformed(`entry ${i + 1} is malformed`);
  }
  return { doc: d as HistoryDocument, decoded: { keystoreId, headHash, anchorHash, earlier, signature } };
}

/**
 * Checks a parsed history against `publicKey` (re-derived by the verifier,
 * never the one the document names): the signature, then the hash chain from
 * the anchor through every complete entry to the head. Returns null when it
 * holds, or why not in words.
 */
export function historyProblem(doc: HistoryDocument, x: Decoded, publicKey: Uint8Array): string | null {
  const named = decodeBase64Strict(doc.publicKey);
  if (!named || named.length !== 32 || !equalBytes(named, publicKey)) return 'it was signed under another master key than this keystore’s (or its key was swapped)';
  if (!ed25519Verify(publicKey, payload(doc, x, publicKey), x.signature)) return 'its signature does not verify: it was changed after it was signed';
  if (doc.anchor.seq === 0 && !equalBytes(x.anchorHash, genesisHash(x.keystoreId))) return 'its first entry does not start from the source keystore’s genesis value';
  let prev = x.anchorHash;
  for (const [i, e] of doc.entries.entries()) {
    const seq = doc.anchor.seq + 1 + i;
    let subject = '';
    try {
      subject = canonicalJson(e.subject);
    } catch {
      return `entry ${seq} has a subject that cannot be encoded`;
    }
    const prevBytes = hexBytes(e.prev, HASH_BYTES);
    const hash = hexBytes(e.hash, HASH_BYTES);
    const computed = entryHash({ seq, at: e.at, operation: e.operation, actor: e.actor, subject, outcome: e.outcome, prev });
    if (e.seq !== seq || !prevBytes || !equalBytes(prevBytes, prev) || !hash || !computed || !equalBytes(computed, hash)) return `entry ${seq} does not fit the chain: it was edited, moved or removed`;
    prev = hash;
  }
  if (!equalBytes(prev, x.headHash)) return 'its entries do not lead to its head';
  return null;
}

/**
 * The hash of entry `seq` as the document knows it, in hex: complete from the
 * anchor on, the first PREFIX_BYTES before it; null past the head.
 */
export function hashAt(doc: HistoryDocument, x: Decoded, seq: number): string | null {
  if (!Number.isInteger(seq) || seq < 0 || seq > doc.head.seq) return null;
  if (seq === 0) return toHex(genesisHash(x.keystoreId));
  if (seq === doc.anchor.seq) return doc.anchor.hash;
  if (seq < doc.anchor.seq) return toHex(x.earlier.subarray((seq - 1) * PREFIX_BYTES, seq * PREFIX_BYTES));
  return doc.entries[seq - doc.anchor.seq - 1]?.hash ?? null;
}
