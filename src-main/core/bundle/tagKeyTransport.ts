import { open, seal, SEAL_OVERHEAD } from '../crypto/aead.js';
import { encodeFields, wipe } from '../crypto/bytes.js';
import { deriveSubkey } from '../crypto/hkdf.js';
import { SUBKEY_LABELS } from '../masterkey/subkeys.js';

/** A superseded tag key (32 bytes) as a v2 bundle carries it: sealed, 73 bytes. */
export const SEALED_TAG_KEY_BYTES = 32 + SEAL_OVERHEAD;

const EMPTY_SALT = new Uint8Array(0);

function aad(ceremonyId: string, identifier: number): Uint8Array {
  return encodeFields(['custos/bundle/superseded-tag-key/v1', ceremonyId, identifier]);
}

/**
 * Why sealed and not in the clear: a tag key that opens a sheet's tag makes
 * `paper check` call that sheet genuine. A bundle is signed by a pair made for
 * the export, not by the vault, so a tag key in the clear could come from any
 * vault (or be made up). Sealed under a key of the master key alone, it opens
 * only on a host holding the same master key as the exporting one: the vault's
 * own restore host.
 */
export function sealTagKeyForBundle(masterKey: Uint8Array, ceremonyId: string, identifier: number, tagKey: Uint8Array): Uint8Array {
  const key = deriveSubkey(masterKey, EMPTY_SALT, SUBKEY_LABELS.bundleTagKeyTransport);
  try {
    return seal(key, tagKey, aad(ceremonyId, identifier));
  } finally {
    wipe(key);
  }
}

/** The tag key, or null (does not throw) when the bundle came from another master key or the seal was changed. */
export function openTagKeyFromBundle(masterKey: Uint8Array, ceremonyId: string, identifier: number, sealed: Uint8Array): Uint8Array | null {
  const key = deriveSubkey(masterKey, EMPTY_SALT, SUBKEY_LABELS.bundleTagKeyTransport);
  try {
    const opened = open(key, sealed, aad(ceremonyId, identifier));
    if (opened && opened.length !== 32) {
      wipe(opened);
      return null;
    }
    return opened;
  } finally {
    wipe(key);
  }
}
