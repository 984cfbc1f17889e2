import { CustosError } from '../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, encodeFields, equalBytes, toHex } from '../crypto/bytes.js';
import { canonicalJson, genesisHash, HASH_BYTES, type AuditRow, type JsonValue } from './entry.js';
import { ed25519Sign, ed25519Verify, type AuditKeys } from './keys.js';
import { hashOnlyCheck, verifyChain, type ExternalHead, type VerifyOutcome } from './verify.js';

export const TRANSCRIPT_FORMAT = 'custos-audit-transcript';
export const TRANSCRIPT_VERSION = 1;

export interface TranscriptEntry {
  seq: number;
  at: string;
  operation: string;
  actor: string | null;
  subject: JsonValue;
  outcome: string;
  prev: string;
  hash: string;
}

/** The signed JSON transcript (docs/formats/audit.md): every entry, the head, and an Ed25519 signature. */
export interface Transcript {
  format: typeof TRANSCRIPT_FORMAT;
  version: typeof TRANSCRIPT_VERSION;
  keystoreId: string;
  vaultFingerprint: string;
  exportedAt: string;
  /** Raw Ed25519 public key, base64. Informative only: a verifier uses the key it was given separately. */
  publicKey: string;
  head: { seq: number; hash: string };
  entries: TranscriptEntry[];
  signature: string;
}

export interface TranscriptVerdict extends VerifyOutcome {
  keystoreId: string;
  vaultFingerprint: string;
  exportedAt: string;
}

const HEX = /^[0-9a-f]*$/;

function hexBytes(text: string, bytes: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== bytes * 2 || !HEX.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/**
 * What the signature covers. The entries are covered through the head: its
 * hash is the end of the chain, which a verifier recomputes from the
 * genesis value of `keystoreId`.
 */
function signingPayload(t: Omit<Transcript, 'signature' | 'entries' | 'format' | 'version'>, entries: number, publicKey: Uint8Array, headHash: Uint8Array, keystoreId: Uint8Array): Uint8Array {
  return encodeFields(['custos/audit/transcript/v1', keystoreId, t.vaultFingerprint, t.exportedAt, publicKey, t.head.seq, headHash, entries]);
}

export function toTranscriptEntry(row: AuditRow): TranscriptEntry {
  return { seq: row.seq, at: row.at, operation: row.operation, actor: row.actor, subject: JSON.parse(row.subject) as JsonValue, outcome: row.outcome, prev: toHex(row.prev), hash: toHex(row.hash) };
}

/** Signs a verified log (rows and head) with the keystore's audit signing key. */
export function buildTranscript(rows: readonly AuditRow[], head: { seq: number; hash: Uint8Array }, meta: { keystoreId: Uint8Array; vaultFingerprint: string; exportedAt: string }, keys: AuditKeys): Transcript {
  const { privateKey, publicKey } = keys.signingKey();
  const body = { keystoreId: toHex(meta.keystoreId), vaultFingerprint: meta.vaultFingerprint, exportedAt: meta.exportedAt, publicKey: encodeBase64(publicKey), head: { seq: head.seq, hash: toHex(head.hash) } };
  const signature = ed25519Sign(privateKey, signingPayload(body, rows.length, publicKey, head.hash, meta.keystoreId));
  return { format: TRANSCRIPT_FORMAT, version: TRANSCRIPT_VERSION, ...body, entries: rows.map(toTranscriptEntry), signature: encodeBase64(signature) };
}

const TOP_FIELDS: ReadonlySet<string> = new Set(['format', 'version', 'keystoreId', 'vaultFingerprint', 'exportedAt', 'publicKey', 'head', 'entries', 'signature']);
const HEAD_FIELDS: ReadonlySet<string> = new Set(['seq', 'hash']);
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['seq', 'at', 'operation', 'actor', 'subject', 'outcome', 'prev', 'hash']);
const unknownField = (o: object, known: ReadonlySet<string>): string | null => Object.keys(o).find((k) => !known.has(k)) ?? null;

const malformed = (why: string) => new CustosError('TRANSCRIPT_MALFORMED', `not a Custos audit transcript: ${why}`);

/** Parses and checks the structure (not the signature or the chain). Throws TRANSCRIPT_MALFORMED. */
export function parseTranscript(text: string): Transcript {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('it is not JSON');
  }
  const t = value as Partial<Transcript> | null;
  if (!t || typeof t !== 'object' || t.format !== TRANSCRIPT_FORMAT) throw malformed(`"format" is not "${TRANSCRIPT_FORMAT}"`);
  // JSON.stringify, not String(): an object with a non-function toString would throw a TypeError here.
  if (t.version !== TRANSCRIPT_VERSION) throw malformed(`version ${JSON.stringify(t.version) ?? 'missing'} is not one this build reads (${TRANSCRIPT_VERSION})`);
  const strings = ['keystoreId', 'vaultFingerprint', 'exportedAt', 'publicKey', 'signature'] as const;
  for (const field of strings) if (typeof t[field] !== 'string') throw malformed(`"${field}" is missing`);
  // The head's seq is signed as a u32: one outside that range is malformed here, not a RangeError in verification.
  if (!t.head || typeof t.head !== 'object' || !Number.isInteger(t.head.seq) || t.head.seq < 0 || t.head.seq > 0xffffffff || typeof t.head.hash !== 'string') throw malformed('"head" is missing or malformed');
  if (!Array.isArray(t.entries)) throw malformed('"entries" is not a list');
  for (const [i, e] of t.entries.entries()) {
    const ok = e && typeof e === 'object' && typeof e.seq === 'number' && typeof e.at === 'string' && typeof e.operation === 'string' && (e.actor === null || typeof e.actor === 'string') && typeof e.outcome === 'string' && typeof e.prev === 'string' && typeof e.hash === 'string' && e.subject !== undefined;
    if (!ok) throw malformed(`entry ${i + 1} is malformed`);
    const extra = unknownField(e, ENTRY_FIELDS);
    if (extra !== null) throw malformed(`entry ${i + 1} has a field no transcript carries: ${JSON.stringify(extra)}`);
  }
  // A field the signature does not cover would read as part of a verified transcript: refuse it.
  const extra = unknownField(t, TOP_FIELDS) ?? unknownField(t.head, HEAD_FIELDS);
  if (extra !== null) throw malformed(`it has a field no transcript carries: ${JSON.stringify(extra)}`);
  return t as Transcript;
}

/**
 * Verifies a transcript with nothing but the public key it was given
 * separately: the signature over the head, then the hash chain from the
 * keystore's genesis value to that head, then (when given) a head seen earlier.
 */
export function verifyTranscript(t: Transcript, publicKey: Uint8Array, external?: ExternalHead): TranscriptVerdict {
  const meta = { keystoreId: t.keystoreId, vaultFingerprint: t.vaultFingerprint, exportedAt: t.exportedAt };
  const keystoreId = hexBytes(t.keystoreId, 16);
  const headHash = hexBytes(t.head.hash, HASH_BYTES);
  const signature = decodeBase64Strict(t.signature);
  const fail = (reason: string): TranscriptVerdict => ({ ...meta, ok: false, entries: 0, head: { seq: t.head.seq, hash: t.head.hash }, problem: { kind: 'signature', seq: t.head.seq, reason } });
  if (!keystoreId || !headHash || !signature) return fail('the keystore id, head hash or signature is malformed');
  const named = decodeBase64Strict(t.publicKey);
  if (!named || !equalBytes(named.length === 32 ? named : new Uint8Array(32), publicKey)) {
    return fail('the transcript names another public key than the one given: it was signed by another keystore, or the key was swapped');
  }
  if (!ed25519Verify(publicKey, signingPayload(t, t.entries.length, publicKey, headHash, keystoreId), signature)) {
    return fail('the signature does not verify with the given public key: the transcript was changed after it was signed');
  }
  const rows = t.entries.map((e): AuditRow => {
    let subject: string;
    try {
      subject = canonicalJson(e.subject);
    } catch {
      subject = '';
    }
    return { seq: e.seq, at: e.at, operation: e.operation, actor: e.actor, subject, outcome: e.outcome, prev: hexBytes(e.prev, HASH_BYTES) ?? new Uint8Array(0), hash: hexBytes(e.hash, HASH_BYTES) ?? new Uint8Array(0), mac: null };
  });
  const outcome = verifyChain(() => rows, { seq: t.head.seq, hash: headHash, mac: null }, genesisHash(keystoreId), hashOnlyCheck, external);
  return { ...meta, ...outcome };
}
