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
}

/**
 * A full record seals the secret; a public-only record seals only its
 * fingerprint. Their associated data differ in the first field, so neither can
 * be opened as the other, whatever a `public_only` column says.
 */
export type RecordKind = 'secret' | 'public-only';
const LABELS: Record<RecordKind, string> = { secret: 'custos/key-record/v1', 'public-only': 'custos/key-record-public-only/v1' };

export function recordAad(id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array {
  return encodeFields([
    LABELS[kind],
    id.keystoreId,
    id.name,
    id.purpose,
    id.algorithm,
    id.version,
    id.publicKey ?? new Uint8Array(0),
  ]);
}

export function sealRecord(wrapKey: Uint8Array, secret: Uint8Array, id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array {
  return seal(wrapKey, secret, recordAad(id, kind));
}

/** Returns null when the record was edited, renamed, swapped or moved, or is of the other kind. */
export function openRecord(wrapKey: Uint8Array, sealed: Uint8Array, id: RecordIdentity, kind: RecordKind = 'secret'): Uint8Array | null {
  return open(wrapKey, sealed, recordAad(id, kind));
}
