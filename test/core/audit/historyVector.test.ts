import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashAt, historyProblem, parseHistory, type HistoryDocument } from '../../../src-main/core/audit/historyDocument.js';
import { auditKeysFor } from '../../../src-main/core/audit/keys.js';
import { buildVectorDocument, type HistoryVectorInput } from './historyVectorBuild.js';

const vector = JSON.parse(readFileSync('test/vectors/audit-history-v1.json', 'utf8')) as { input: HistoryVectorInput; document: HistoryDocument };
const publicKeyOf = (masterKey: string, keystoreId: string) => auditKeysFor(new Uint8Array(Buffer.from(masterKey, 'hex')), new Uint8Array(Buffer.from(keystoreId, 'hex'))).signingKey().publicKey;

describe('audit history document, format v1 (test/vectors/audit-history-v1.json)', () => {
  it('the inputs give exactly the stored document, signature included', () => {
    expect(buildVectorDocument(vector.input)).toEqual(vector.document);
  });

  it('the stored document verifies under the key re-derived from the master key and the source keystore id, and under no other', () => {
    const { doc, decoded } = parseHistory(JSON.stringify(vector.document));
    expect(historyProblem(doc, decoded, publicKeyOf(vector.input.masterKey, vector.input.keystoreId))).toBeNull();
    expect(historyProblem(doc, decoded, publicKeyOf('ff'.repeat(32), vector.input.keystoreId))).toMatch(/another master key/);
    // Entries up to the anchor are known by their first 8 bytes; later ones in full.
    expect(hashAt(doc, decoded, 1)).toHaveLength(16);
    expect(hashAt(doc, decoded, 2)).toBe(vector.document.anchor.hash);
    expect(hashAt(doc, decoded, 4)).toBe(vector.document.head.hash);
    expect(hashAt(doc, decoded, 5)).toBeNull();
  });

  it('any change to what the signature covers is caught', () => {
    const changes: Array<(d: HistoryDocument) => void> = [
      (d) => (d.exportedAt = '2026-01-02T03:04:06.000Z'),
      (d) => (d.vaultFingerprint = '0000-0000-0000-0000'),
      (d) => (d.earlier = Buffer.from(Buffer.from(d.earlier, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64')),
      (d) => ((d.entries[0] as { outcome: string }).outcome = 'FAILED'),
    ];
    for (const change of changes) {
      const d = structuredClone(vector.document);
      change(d);
      const { doc, decoded } = parseHistory(JSON.stringify(d));
      expect(historyProblem(doc, decoded, publicKeyOf(vector.input.masterKey, vector.input.keystoreId))).not.toBeNull();
    }
  });

  it('its signature verifies over the payload of docs/formats/audit.md, built by hand and checked with node:crypto alone', () => {
    const d = vector.document;
    const field = (b: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(b.length);
      return Buffer.concat([length, b]);
    };
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const publicKey = Buffer.from(d.publicKey, 'base64');
    const payload = Buffer.concat(
      [
        Buffer.from('custos/audit/history/v1'),
        Buffer.from(d.keystoreId, 'hex'),
        Buffer.from(d.vaultFingerprint),
        Buffer.from(d.exportedAt),
        publicKey,
        u32(d.head.seq),
        Buffer.from(d.head.hash, 'hex'),
        u32(d.anchor.seq),
        Buffer.from(d.anchor.hash, 'hex'),
        createHash('sha256').update(Buffer.from(d.earlier, 'base64')).digest(),
        u32(d.entries.length),
      ].map(field),
    );
    // Ed25519 SubjectPublicKeyInfo: the fixed 12-byte prefix, then the raw key.
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
    expect(verify(null, payload, key, Buffer.from(d.signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.concat([payload, Buffer.from([0])]), key, Buffer.from(d.signature, 'base64'))).toBe(false);
    expect(Buffer.from(publicKey).equals(Buffer.from(publicKeyOf(vector.input.masterKey, vector.input.keystoreId)))).toBe(true);
  });
});

