import { sha256 } from '@noble/hashes/sha2.js';
import { createHash } from 'node:crypto';
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
 * canonicalJson of one key ref, written out: the generic walk (sort the
 * fields, stringify each) cost as much as the AEAD per key in a 10,000-key
 * export or import. Anything but the plain shape goes the generic way.
 */
function refJson(ref: { name: string; version: number; fingerprint: string }): string {
  if (typeof ref.name !== 'string' || typeof ref.fingerprint !== 'string' || !Number.isSafeInteger(ref.version)) return canonicalJson(ref);
  return `{"fingerprint":${JSON.stringify(ref.fingerprint)},"name":${JSON.stringify(ref.name)},"version":${ref.version}}`;
}

/** Text waiting to be hashed: fed in pieces of this many characters, not once per key. */
const PENDING_CHARS = 1 << 16;

/**
 * The same subject as `keysSubject`, built one key at a time in constant
 * memory: the first keys are kept, and the digest is fed incrementally with
 * exactly the bytes of the list's canonical JSON. For exports and imports of
 * 100,000 keys, whose memory must stay bounded.
 */
export class KeyRefCollector {
  private readonly listed: Array<{ name: string; version: number; fingerprint: string }> = [];
  private readonly hash = createHash('sha256');
  private pending = '';
  private count = 0;

  add(ref: KeyRef): void {
    const item = { name: ref.name, version: ref.version, fingerprint: ref.fingerprint };
    if (this.count < MAX_LISTED_KEYS) this.listed.push(item);
    this.pending += `${this.count === 0 ? '[' : ','}${refJson(item)}`;
    if (this.pending.length >= PENDING_CHARS) {
      this.hash.update(this.pending, 'utf8');
      this.pending = '';
    }
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  subject(extra: AuditSubject = {}): AuditSubject {
    if (this.count <= MAX_LISTED_KEYS) return { ...extra, count: this.count, keys: [...this.listed] };
    const digest = this.hash.copy().update(`${this.pending}]`, 'utf8').digest();
    return { ...extra, count: this.count, keys: [...this.listed], more: this.count - MAX_LISTED_KEYS, digest: toHex(digest) };
  }
}

/** An entry for a key operation, or null when it changed nothing (nothing to record). */
export function keyEntry(operation: AuditOperation, keys: readonly KeyRef[], extra: AuditSubject = {}): AuditDraft | null {
  return keys.length === 0 ? null : { operation, subject: keysSubject(keys, extra) };
}
