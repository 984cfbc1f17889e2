import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8Bytes } from '../crypto/bytes.js';
import { canonicalJson, type AuditDraft, type AuditOperation, type AuditSubject } from './entry.js';

export interface KeyRef {
  name: string;
  version: number;
  fingerprint: string;
}

/** Beyond this many, an entry lists the first ones and commits to all of them by digest. */
export const MAX_LISTED_KEYS = 256;

/**
 * Names, versions and fingerprints of the keys an operation touched: never
 * material. A long list (an export of thousands of keys) keeps the entry
 * readable: the first keys are listed, and a SHA-256 over the whole list
 * (in canonical JSON) still commits the entry to every one.
 */
export function keysSubject(keys: readonly KeyRef[], extra: AuditSubject = {}): AuditSubject {
  const refs = keys.map((k) => ({ name: k.name, version: k.version, fingerprint: k.fingerprint }));
  if (refs.length <= MAX_LISTED_KEYS) return { ...extra, count: refs.length, keys: refs };
  return {
    ...extra,
    count: refs.length,
    keys: refs.slice(0, MAX_LISTED_KEYS),
    more: refs.length - MAX_LISTED_KEYS,
    digest: toHex(sha256(utf8Bytes(canonicalJson(refs)))),
  };
}

/**
 * The same subject as `keysSubject`, built one key at a time in constant
 * memory: the first keys are kept, and the digest is fed incrementally with
 * exactly the bytes of the list's canonical JSON. For exports and imports of
 * 100,000 keys, whose memory must stay bounded.
 */
export class KeyRefCollector {
  private readonly listed: Array<{ name: string; version: number; fingerprint: string }> = [];
  private readonly hash = sha256.create();
  private count = 0;

  add(ref: KeyRef): void {
    const item = { name: ref.name, version: ref.version, fingerprint: ref.fingerprint };
    if (this.count < MAX_LISTED_KEYS) this.listed.push(item);
    this.hash.update(utf8Bytes(`${this.count === 0 ? '[' : ','}${canonicalJson(item)}`));
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  subject(extra: AuditSubject = {}): AuditSubject {
    if (this.count <= MAX_LISTED_KEYS) return { ...extra, count: this.count, keys: [...this.listed] };
    const digest = this.hash.clone().update(utf8Bytes(']')).digest();
    return { ...extra, count: this.count, keys: [...this.listed], more: this.count - MAX_LISTED_KEYS, digest: toHex(digest) };
  }
}

/** An entry for a key operation, or null when it changed nothing (nothing to record). */
export function keyEntry(operation: AuditOperation, keys: readonly KeyRef[], extra: AuditSubject = {}): AuditDraft | null {
  return keys.length === 0 ? null : { operation, subject: keysSubject(keys, extra) };
}
