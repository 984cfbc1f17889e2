import { CustosError } from '../../../shared/errors.js';
import type { KeyAlgorithm } from '../../../shared/keys.js';
import { equalBytes, utf8Bytes, wipe } from '../crypto/bytes.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { publicFromSecret, publicSpki } from '../catalog/material.js';
import { openRecord, sealRecord, type RecordIdentity } from './records.js';
import type { VersionRow } from './rows.js';

export function materialFingerprint(algorithm: KeyAlgorithm, secret: Uint8Array, publicKey: Uint8Array | null): string {
  return publicKey ? fingerprint(`${algorithm}-spki`, publicSpki(algorithm, publicKey)) : fingerprint(algorithm, secret);
}

/** Whether a stored public key gives the stored fingerprint; false (never a throw) for bytes that are no point on the curve. */
function publicKeyMatches(row: VersionRow): boolean {
  try {
    return row.public_key !== null && materialFingerprint(row.algorithm, new Uint8Array(0), row.public_key) === row.fingerprint;
  } catch {
    return false;
  }
}

const tampered = (row: VersionRow, what: string) =>
  new CustosError('KEY_RECORD_TAMPERED', `${what} of '${row.name}' v${row.version} does not open: it was edited, renamed, swapped or moved`);

/**
 * Opens and checks sealed key records under one keystore's wrapping key.
 * A full record seals the secret. A public-only record (imported without its
 * private part) seals its fingerprint instead, so its public key, fingerprint
 * and identity are authenticated as firmly as a full record's.
 */
export class RecordOpener {
  /**
   * `kekKey` gives the material of a KEK by id (KEK_DISABLED, KEK_DESTROYED
   * otherwise); the opener does not own or wipe what it returns.
   */
  constructor(
    private readonly wrapKey: Uint8Array,
    private readonly keystoreId: Uint8Array,
    private readonly kekKey: (kekId: number) => Uint8Array = () => {
      throw new CustosError('KEK_NOT_FOUND', 'no KEK is available here');
    },
  ) {}

  identity(row: Pick<VersionRow, 'name' | 'purpose' | 'algorithm' | 'version' | 'public_key'> & { kek_id?: number | null }): RecordIdentity {
    return { keystoreId: this.keystoreId, name: row.name, purpose: row.purpose, algorithm: row.algorithm, version: row.version, publicKey: row.public_key, kekId: row.kek_id ?? null };
  }

  /** The key a record with this identity is sealed under: its KEK, or the master key's record wrapping key. */
  private keyFor(identity: RecordIdentity): Uint8Array {
    return identity.kekId === null || identity.kekId === undefined ? this.wrapKey : this.kekKey(identity.kekId);
  }

  sealSecret(identity: RecordIdentity, secret: Uint8Array): Uint8Array {
    return sealRecord(this.keyFor(identity), secret, identity);
  }

  /** The seal stored for a version that holds only its public part. */
  sealPublicOnly(identity: RecordIdentity, fingerprintText: string): Uint8Array {
    return sealRecord(this.keyFor(identity), utf8Bytes(fingerprintText), identity, 'public-only');
  }

  /**
   * The secret of a version; the caller owns and wipes it. KEY_DESTROYED,
   * KEY_PUBLIC_ONLY (after checking the record is authentic) or
   * KEY_RECORD_TAMPERED otherwise.
   */
  openSecret(row: VersionRow): Uint8Array {
    if (!row.sealed) throw new CustosError('KEY_DESTROYED', `'${row.name}' v${row.version} has been destroyed`);
    if (row.public_only === 1) {
      this.verifyPublicOnly(row);
      throw new CustosError('KEY_PUBLIC_ONLY', `'${row.name}' v${row.version} holds only its public part here; its private part was not imported`);
    }
    const identity = this.identity(row);
    const secret = openRecord(this.keyFor(identity), row.sealed, identity);
    if (!secret) throw tampered(row, 'sealed record');
    return secret;
  }

  /** Throws KEY_RECORD_TAMPERED unless a public-only record opens to its own, matching fingerprint. */
  verifyPublicOnly(row: VersionRow): void {
    const identity = this.identity(row);
    const opened = row.sealed ? openRecord(this.keyFor(identity), row.sealed, identity, 'public-only') : null;
    const ok = opened !== null && equalBytes(opened, utf8Bytes(row.fingerprint)) && (row.algorithm === 'sym256' || publicKeyMatches(row));
    if (!ok) throw tampered(row, 'public-only record');
  }

  /**
   * The public key of an asymmetric version, once it is shown to belong to the
   * record: derived from the private key, or authenticated by the
   * public-only seal.
   */
  authenticPublicKey(row: VersionRow): Uint8Array {
    if (!row.public_key) throw tampered(row, 'public key');
    if (row.public_only === 1) {
      this.verifyPublicOnly(row);
      return row.public_key;
    }
    const secret = this.openSecret(row);
    const matches = equalBytes(publicFromSecret(row.algorithm, secret), row.public_key);
    wipe(secret);
    if (!matches) throw new CustosError('KEY_RECORD_TAMPERED', `the stored public key of '${row.name}' v${row.version} does not match its private key`);
    return row.public_key;
  }
}
