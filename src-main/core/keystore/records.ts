import type { KeyAlgorithm, KeyPurpose } from '../../../shared/keys.js';
import { open, seal } from '../crypto/aead.js';
import { encodeFields } from '../crypto/bytes.js';

/** Everything a sealed record is bound to. Change any field and it no longer opens. */
export interface RecordIdentity {
  keystoreId: Uint8Array;
  name: string;
  purpose: KeyPurpose;
  algorithm: KeyAlgorithm;
  version: number;
  publicKey: Uint8Array | null;
  /** The KEK that wraps the record; null or absent: the master key's record wrapping key. */
  kekId?: number | null | undefined;
}

/**
 * A full record seals the secret; a public-only record seals only its
 * fingerprint. Their associated data differ in the first field, so neither can
 * be opened as the other, whatever a `public_only` column says.
 */
export type RecordKind = 'secret' | 'public-only';
const LABELS: Record<RecordKind, string> = { secret: 'custos/key-record/v1', 'public-only': 'custos/key-record-public-only/v1' };
/** Records under a KEK have labels of their own and end with the KEK's id: moved under another wrapping key, they do not open. */
const KEK_LABELS: Record<RecordKind, string> = { secret: 'custos/key-record-under-kek/v1', 'public-only': 'custos/key-record-public-only-under-kek/v1' };

export function recordAad(id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array {
  const fields = [id.keystoreId, id.name, id.purpose, id.algorithm, id.version, id.publicKey ?? new Uint8Array(0)];
  if (id.kekId === null || id.kekId === undefined) return encodeFields([LABELS[kind], ...fields]);
  return encodeFields([KEK_LABELS[kind], ...fields, id.kekId]);
}

export function sealRecord(wrapKey: Uint8Array, secret: Uint8Array, id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array {
  return seal(wrapKey, secret, recordAad(id, kind));
}

/** Returns null when the record was edited, renamed, swapped or moved, or is of the other kind. */
export function openRecord(wrapKey: Uint8Array, sealed: Uint8Array, id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array | null {
  // A damaged row can hold any SQLite type (a NULL name, a text version): such a record does not open.
  if (!(sealed instanceof Uint8Array) || !wellTyped(id)) return null;
  return open(wrapKey, sealed, recordAad(id, kind));
}

const u32 = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;

function wellTyped(id: RecordIdentity): boolean {
  const { keystoreId, name, purpose, algorithm, version, publicKey, kekId } = id as { [K in keyof RecordIdentity]: unknown };
  return keystoreId instanceof Uint8Array && typeof name === 'string' && typeof purpose === 'string' && typeof algorithm === 'string' && u32(version) && (publicKey === null || publicKey === undefined || publicKey instanceof Uint8Array) && (kekId === null || kekId === undefined || u32(kekId));
}
