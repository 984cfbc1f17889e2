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

export function recordAad(id: RecordIdentity): Uint8Array {
  return encodeFields([
    'custos/key-record/v1',
    id.keystoreId,
    id.name,
    id.purpose,
    id.algorithm,
    id.version,
    id.publicKey ?? new Uint8Array(0),
  ]);
}

export function sealRecord(wrapKey: Uint8Array, secret: Uint8Array, id: RecordIdentity): Uint8Array {
  return seal(wrapKey, secret, recordAad(id));
}

/** Returns null when the record was edited, renamed, swapped or moved. */
export function openRecord(wrapKey: Uint8Array, sealed: Uint8Array, id: RecordIdentity): Uint8Array | null {
  return open(wrapKey, sealed, recordAad(id));
}
