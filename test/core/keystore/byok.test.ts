import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../shared/errors.js';
import { importOwnKey } from '../../../src-main/core/keystore/byok.js';
import { auditEntries, verifyAudit } from '../../../src-main/core/audit/report.js';
import { makeVault } from '../../helpers/keystore.js';
import { snapshot, withUnlockNotes } from '../../cli/fixtures.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CustosError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('bring your own key', () => {
  it('stores 32 raw bytes as a symmetric key, and a PEM X25519 private key with its derived public key', async () => {
    const v = await makeVault();
    const ks = await v.open();
    const raw = new Uint8Array(randomBytes(32));
    const sym = importOwnKey(ks, { scope: 'client', clientId: 'billing1', purposes: ['storage-sym'] }, { format: 'raw', bytes: raw });
    expect(sym).toMatchObject({ name: 'billing1_storage_sym', algorithm: 'sym256', version: 1, state: 'active' });
    const row = [...ks.versionRows()].find((r) => r.name === 'billing1_storage_sym');
    expect(row && Buffer.from(ks.openSecret(row)).equals(Buffer.from(raw))).toBe(true);

    const pair = generateKeyPairSync('x25519');
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const x = importOwnKey(ks, { scope: 'global', purposes: ['poison'], keyType: 'x25519' }, { format: 'pem', text: pem });
    expect(x.name).toBe('poison_key');
    expect(ks.publicKeyPem('poison_key')).toBe(pair.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    // A raw X25519 scalar: the public key is derived from it.
    const scalar = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    importOwnKey(ks, { scope: 'zone', zoneId: 'zone-0001', purposes: ['zone'], keyType: 'x25519' }, { format: 'raw', bytes: new Uint8Array(scalar) });
    expect(createPublicKey(ks.publicKeyPem('zone-0001_zone')).export({ format: 'der', type: 'spki' }).equals(pair.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);

    // A P-256 private key (the default key type, Acra's) as PEM: its public key is derived and exported as SPKI.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    importOwnKey(ks, { scope: 'client', clientId: 'billing1', purposes: ['storage'] }, { format: 'pem', text: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() });
    expect(createPublicKey(ks.publicKeyPem('billing1_storage')).export({ format: 'der', type: 'spki' }).equals(ec.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);

    const imported = auditEntries(ks).filter((e) => e.operation === 'key-import');
    expect(imported).toHaveLength(4);
    expect(JSON.stringify(imported)).not.toContain(Buffer.from(raw).toString('hex'));
    expect(verifyAudit(ks).ok).toBe(true);
    ks.close();
  });

  it('refuses the wrong length, the wrong key type, a PEM for a symmetric purpose and a taken name, changing nothing', async () => {
    const v = await makeVault();
    const ks = await v.open();
    importOwnKey(ks, { scope: 'global', purposes: ['auth'] }, { format: 'raw', bytes: new Uint8Array(32).fill(1) });
    ks.close();
    const before = snapshot(v.path);
    const again = await v.open();
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const x = generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison-sym'] }, { format: 'raw', bytes: new Uint8Array(31) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison'] }, { format: 'pem', text: ed }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison'] }, { format: 'pem', text: 'not a pem' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison-sym'] }, { format: 'pem', text: x }))).toBe('INVALID_ARGUMENT');
    // An X25519 PEM for a P-256 purpose (the default key type), and 32 bytes that are no P-256 scalar (zero).
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison'] }, { format: 'pem', text: x }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['poison'] }, { format: 'raw', bytes: new Uint8Array(32) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => importOwnKey(again, { scope: 'global', purposes: ['auth'] }, { format: 'raw', bytes: new Uint8Array(32) }))).toBe('KEY_EXISTS');
    expect(codeOf(() => importOwnKey(again, { scope: 'global' }, { format: 'raw', bytes: new Uint8Array(32) }))).toBe('INVALID_ARGUMENT');
    again.close();
    expect(snapshot(v.path)).toEqual(withUnlockNotes(before, v.path));
  });
});
