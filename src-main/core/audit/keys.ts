import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { encodeFields, equalBytes, utf8Bytes, wipe } from '../crypto/bytes.js';
import { auditRootKey } from '../masterkey/subkeys.js';
import { HASH_BYTES, type AuditHeadRow } from './entry.js';
import { EntryMacVerifier } from './fastChain.js';

/** DER prefixes for Ed25519 keys (RFC 8410): the raw 32 bytes follow each. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const LABELS = {
  entry: 'custos/audit/entry/',
  head: 'custos/audit/head',
  signing: 'custos/audit/transcript-signing/v1',
  note: 'custos/audit/unlock-note/v1',
} as const;

const ONE = Uint8Array.of(1);

/**
 * HMAC-SHA256 through node:crypto: verifying 100,000 entries reads 300,000
 * small buffers from SQLite, and with that many live Uint8Arrays noble's
 * per-call cost doubles (see DESIGN.md); Node's native HMAC does not care.
 * test/core/audit/chain.test.ts checks it against @noble/hashes' HKDF and HMAC.
 */
function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

/** HKDF-Expand (RFC 5869) for one 32-byte block: T(1) = HMAC(PRK, info || 0x01). */
function expand32(prk: Uint8Array, info: string): Uint8Array {
  return hmacSha256(prk, utf8Bytes(info), ONE);
}

/**
 * The keys of one keystore's audit log, all from its audit root:
 * K_i = HKDF-SHA256(root, salt = keystore id, info = "custos/audit/entry/" + i)
 * authenticates entry i and no other position; the head and the transcript
 * signing key have labels of their own. HKDF-Extract does not depend on the
 * label, so it is done once (the PRK) and each key costs one HKDF-Expand.
 */
export class AuditKeys {
  private prk: Uint8Array;

  constructor(root: Uint8Array, keystoreId: Uint8Array) {
    this.prk = hmacSha256(keystoreId, root); // HKDF-Extract(salt = keystore id, IKM = root)
  }

  entryMac(seq: number, hash: Uint8Array): Uint8Array {
    const key = expand32(this.prk, `${LABELS.entry}${seq}`);
    const mac = hmacSha256(key, hash);
    wipe(key);
    return mac;
  }

  entryMacOk(seq: number, hash: Uint8Array, mac: Uint8Array | null): boolean {
    return mac instanceof Uint8Array && mac.length === HASH_BYTES && equalBytes(this.entryMac(seq, hash), mac);
  }

  /** The same check as `entryMacOk`, for a whole log: see fastChain.ts. The caller disposes it. */
  entryMacVerifier(): EntryMacVerifier {
    return new EntryMacVerifier(this.prk);
  }

  /** A copy of the PRK the entry keys expand from, for a verification thread (verifyBatches.ts); the caller wipes it. */
  entryPrk(): Uint8Array {
    return new Uint8Array(this.prk);
  }

  headMac(seq: number, hash: Uint8Array): Uint8Array {
    const key = expand32(this.prk, LABELS.head);
    const mac = hmacSha256(key, encodeFields(['custos/audit/head/v1', seq, hash]));
    wipe(key);
    return mac;
  }

  headMacOk(head: AuditHeadRow): boolean {
    if (!Number.isInteger(head.seq) || head.seq < 0 || head.seq > 0xffffffff || !(head.hash instanceof Uint8Array) || head.hash.length !== HASH_BYTES) return false;
    return head.mac instanceof Uint8Array && head.mac.length === HASH_BYTES && equalBytes(this.headMac(head.seq, head.hash), head.mac);
  }

  /** Authenticates an unlock note written beside the keystore by a session that holds this root. */
  noteMac(fields: ReadonlyArray<string | number>): Uint8Array {
    const key = expand32(this.prk, LABELS.note);
    const mac = hmacSha256(key, encodeFields([LABELS.note, ...fields]));
    wipe(key);
    return mac;
  }

  noteMacOk(fields: ReadonlyArray<string | number>, mac: Uint8Array): boolean {
    return mac.length === HASH_BYTES && equalBytes(this.noteMac(fields), mac);
  }

  /** The transcript signing key: Ed25519 from a seed derived like the MAC keys, so it needs no storage. */
  signingKey(): { privateKey: KeyObject; publicKey: Uint8Array } {
    const seed = expand32(this.prk, LABELS.signing);
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
    wipe(seed);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    // Public keys leave Node as SPKI DER (never JWK: its export can hang on Node 20.20).
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return { privateKey, publicKey: new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length)) };
  }

  dispose(): void {
    wipe(this.prk);
  }
}

export function auditKeysFor(masterKey: Uint8Array, keystoreId: Uint8Array): AuditKeys {
  const root = auditRootKey(masterKey, keystoreId);
  try {
    return new AuditKeys(root, keystoreId);
  } finally {
    wipe(root);
  }
}

export function ed25519Sign(privateKey: KeyObject, payload: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, payload, privateKey));
}

/** False (never a throw) for a key or signature of the wrong length. */
export function ed25519Verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, payload, key, signature);
  } catch {
    return false;
  }
}
