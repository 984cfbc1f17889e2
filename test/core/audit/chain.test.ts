import { randomBytes } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, entryHashReference, genesisHash } from '../../../src-main/core/audit/entry.js';
import { AuditKeys, ed25519Verify } from '../../../src-main/core/audit/keys.js';
import { encodeFields, utf8Bytes } from '../../../src-main/core/crypto/bytes.js';
import { validateActor } from '../../../src-main/core/audit/session.js';
import { KeyRefCollector, keysSubject, MAX_LISTED_KEYS } from '../../../src-main/core/audit/subjects.js';

const row = (over: Partial<Parameters<typeof entryHash>[0]> = {}) => ({
  seq: 7,
  at: '2025-06-01T10:00:00.000Z',
  operation: 'key-rotate',
  actor: 'Ana Ruiz',
  subject: canonicalJson({ keys: [{ name: 'orders_storage', version: 2, fingerprint: 'ab'.repeat(16) }], count: 1 }),
  outcome: 'ok',
  prev: new Uint8Array(32).fill(3),
  ...over,
});

describe('audit chain primitives', () => {
  it('the entry hash is SHA-256 of the field encoding, and agrees with @noble/hashes', () => {
    for (const r of [row(), row({ actor: null }), row({ actor: '' }), row({ subject: '{"ü":"∑"}' })]) {
      const expected = sha256(encodeFields(['custos/audit/v1', r.seq, r.at, r.operation, r.actor === null ? 0 : 1, r.actor ?? '', r.subject, r.outcome, r.prev]));
      expect(entryHash(r)).toEqual(expected);
      expect(entryHashReference(r)).toEqual(expected);
    }
    // "no actor" and an empty name differ
    expect(entryHash(row({ actor: null }))).not.toEqual(entryHash(row({ actor: '' })));
    expect(genesisHash(new Uint8Array(16))).toEqual(sha256(encodeFields(['custos/audit/genesis/v1', new Uint8Array(16)])));
  });

  it('rows that cannot be encoded are not authentic (null), never an exception', () => {
    for (const seq of [0, -1, 1.5, 2 ** 33, Number.NaN]) expect(entryHash(row({ seq }))).toBeNull();
    expect(entryHash(row({ prev: new Uint8Array(31) }))).toBeNull();
  });

  it('per-entry MAC keys are HKDF-SHA256(root, keystore id, "custos/audit/entry/" + seq), as @noble/hashes computes them', () => {
    const root = new Uint8Array(randomBytes(32));
    const id = new Uint8Array(randomBytes(16));
    const keys = new AuditKeys(root, id);
    const hash = new Uint8Array(randomBytes(32));
    for (const seq of [1, 2, 99_999]) {
      const k = hkdf(sha256, root, id, utf8Bytes(`custos/audit/entry/${seq}`), 32);
      expect(keys.entryMac(seq, hash)).toEqual(hmac(sha256, k, hash));
    }
    const kHead = hkdf(sha256, root, id, utf8Bytes('custos/audit/head'), 32);
    expect(keys.headMac(5, hash)).toEqual(hmac(sha256, kHead, encodeFields(['custos/audit/head/v1', 5, hash])));
    // position binding: entry 1's MAC is not entry 2's
    expect(keys.entryMac(1, hash)).not.toEqual(keys.entryMac(2, hash));
  });

  it('the transcript signing key is deterministic per root and keystore, and signs', async () => {
    const root = new Uint8Array(randomBytes(32));
    const id = new Uint8Array(randomBytes(16));
    const a = new AuditKeys(root, id).signingKey();
    const b = new AuditKeys(root, id).signingKey();
    expect(a.publicKey).toEqual(b.publicKey);
    expect(new AuditKeys(root, new Uint8Array(16)).signingKey().publicKey).not.toEqual(a.publicKey);
    const { sign } = await import('node:crypto');
    const message = utf8Bytes('hello');
    expect(ed25519Verify(a.publicKey, message, new Uint8Array(sign(null, message, a.privateKey)))).toBe(true);
    expect(ed25519Verify(a.publicKey, utf8Bytes('hellO'), new Uint8Array(sign(null, message, a.privateKey)))).toBe(false);
    expect(ed25519Verify(a.publicKey, message, new Uint8Array(10))).toBe(false);
  });

  it('canonical JSON sorts keys at every level and is stable', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], e: { g: true, f: 'é' } })).toBe('{"a":[{"c":"x","d":null}],"b":1,"e":{"f":"é","g":true}}');
    const text = canonicalJson({ z: [1, 2], a: 'q"' });
    expect(canonicalJson(JSON.parse(text) as never)).toBe(text);
    expect(() => canonicalJson({ x: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('actor names: trimmed, 1 to 100 printable characters, or null', () => {
    expect(validateActor(undefined)).toBeNull();
    expect(validateActor('')).toBeNull();
    expect(validateActor('  Ana Ruiz ')).toBe('Ana Ruiz');
    for (const bad of ['  ', 'a\nb', 'x'.repeat(101)]) expect(() => validateActor(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('KeyRefCollector', () => {
  it('builds, one key at a time, exactly the subject keysSubject builds from the whole list', () => {
    for (const n of [0, 3, MAX_LISTED_KEYS, MAX_LISTED_KEYS + 1, 1000]) {
      const refs = Array.from({ length: n }, (_, i) => ({ name: `client-${i}_hmac`, version: (i % 3) + 1, fingerprint: i.toString(16).padStart(32, '0') }));
      const collector = new KeyRefCollector();
      for (const ref of refs) collector.add(ref);
      expect(collector.subject({ bundle: 'b' }), `n=${n}`).toEqual(keysSubject(refs, { bundle: 'b' }));
    }
  });
});
