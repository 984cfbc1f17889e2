import { CustosError } from '../../../shared/errors.js';
import { encodeBase64, toHex } from '../crypto/bytes.js';
import type { Keystore } from '../keystore/keystore.js';
import type { JsonValue } from './entry.js';
import { buildTranscript, toTranscriptEntry, type Transcript, type TranscriptEntry } from './transcript.js';
import type { ExternalHead, VerifyOutcome } from './verify.js';

/** How a head is shown to people and typed back: `SEQ:` and the first 16 hex digits of its hash. */
export function formatHead(seq: number, hashHex: string): string {
  return `${seq}:${hashHex.slice(0, 16)}`;
}

/** Parses `SEQ:HEX` (at least 8 hex digits of the hash). Throws INVALID_ARGUMENT. */
export function parseHead(text: string): ExternalHead {
  const m = /^(\d{1,10}):([0-9a-fA-F]{8,64})$/.exec(text.trim());
  if (!m) throw new CustosError('INVALID_ARGUMENT', `a head is SEQ:HASH as 'custos audit head' prints it (e.g. 42:3f9a07c2d1e48b56), not '${text}'`);
  return { seq: Number(m[1]), hash: (m[2] ?? '').toLowerCase() };
}

export interface AuditHeadView {
  seq: number;
  hash: string;
  /** `SEQ:HASH16`, as printed on sheets and transcripts. */
  head: string;
  /** false when the stored head fails its MAC (run `audit verify`). */
  authentic: boolean;
  keystoreId: string;
  vaultFingerprint: string;
  /** The Ed25519 key that verifies this keystore's transcripts (raw, base64). */
  publicKey: string;
}

export function auditHead(keystore: Keystore): AuditHeadView {
  return keystore.internal('read', (ctx) => {
    const log = ctx.audit.log;
    const head = log.head();
    const hash = head ? toHex(head.hash) : toHex(log.genesis);
    return {
      seq: head?.seq ?? 0,
      hash,
      head: formatHead(head?.seq ?? 0, hash),
      authentic: head !== null && log.keys.headMacOk(head),
      keystoreId: toHex(ctx.keystoreId),
      vaultFingerprint: ctx.vaultFingerprint,
      publicKey: encodeBase64(log.keys.signingKey().publicKey),
    };
  });
}

/** The head to print on paper sheets now, or null when the log's head is missing or forged. */
export function printableHead(keystore: Keystore): string | null {
  const view = auditHead(keystore);
  return view.authentic ? view.head : null;
}

export function auditEntries(keystore: Keystore, since = 0): TranscriptEntry[] {
  return keystore.internal('read', (ctx) => ctx.audit.log.rows(since).map(toTranscriptEntry));
}

export function verifyAudit(keystore: Keystore, external?: ExternalHead): VerifyOutcome {
  return keystore.internal('read', (ctx) => ctx.audit.log.verify(external));
}

/**
 * Records the export (`audit-export`), then, in the same transaction, checks
 * the whole log and signs it, so the transcript holds its own export entry. A
 * log that fails verification is never signed: AUDIT_TAMPERED.
 */
export function exportTranscript(keystore: Keystore, subject: { [field: string]: JsonValue }, now = new Date()): Transcript {
  return keystore.internal('write', (ctx) => {
    const log = ctx.audit.log;
    ctx.audit.append({ operation: 'audit-export', subject });
    const verdict = log.verify();
    if (!verdict.ok) {
      throw new CustosError('AUDIT_TAMPERED', `the audit log fails verification (${verdict.problem?.kind ?? 'unknown'} at entry ${verdict.problem?.seq ?? 0}: ${verdict.problem?.reason ?? ''}); it is not signed`);
    }
    const head = log.head();
    if (!head) throw new CustosError('AUDIT_TAMPERED', 'the audit log has no head; it is not signed');
    return buildTranscript(log.rows(), head, { keystoreId: ctx.keystoreId, vaultFingerprint: ctx.vaultFingerprint, exportedAt: now.toISOString() }, log.keys);
  });
}
