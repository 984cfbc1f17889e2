import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkKeystore } from '../../../src-main/core/check/check.js';
import { makeVault } from '../../helpers/keystore.js';
import { exportFrom, importInto, listAll, withOpen } from '../bundle/helpers.js';

describe('key pair types: P-256 by default, X25519 kept where it is', () => {
  it('a vault made with X25519 pairs (as before P-256 was the default) keeps them: they list, rotate, export as X25519 SPKI, check and travel in bundles', async () => {
    const old = await makeVault();
    // The vault as an earlier Custos left it: X25519 pairs for the client's asymmetric purposes.
    await withOpen(old, (ks) => ks.generate([{ scope: 'client', clientId: 'legacy-svc', keyType: 'x25519' }, { scope: 'global', keyType: 'x25519' }]));

    await withOpen(old, (ks) => {
      const pairs = ks.list().filter((k) => k.algorithm !== 'sym256');
      expect(pairs.map((k) => k.algorithm)).toEqual(Array(pairs.length).fill('x25519'));
      expect(pairs.length).toBe(5);
      // Rotation keeps a key's own type: a new X25519 version, not a P-256 one.
      expect(ks.rotate('legacy-svc_storage')).toMatchObject({ algorithm: 'x25519', version: 2 });
      expect(createPublicKey(ks.publicKeyPem('legacy-svc_storage')).asymmetricKeyType).toBe('x25519');
      // A new key in the same vault is P-256 by default.
      expect(ks.generate([{ scope: 'client', clientId: 'new-svc', purposes: ['storage'] }])[0]).toMatchObject({ algorithm: 'p256' });
      expect(createPublicKey(ks.publicKeyPem('new-svc_storage')).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(checkKeystore(ks).problems).toEqual([]);
    });

    const exported = await exportFrom(old);
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    expect(await listAll(target)).toEqual(await listAll(old));
    await withOpen(target, (ks) => expect(checkKeystore(ks).problems).toEqual([]));
  });

  it('a P-256 public key swapped for other bytes (on the curve or not) fails the record check instead of throwing', async () => {
    const vault = await makeVault();
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global', purposes: ['poison'] }]));
    const exported = await exportFrom(vault, { privateKeys: false });
    const target = await makeVault();
    await importInto(target, exported.bundle, exported.accessKeys);
    const [key] = await listAll(target);
    expect(key).toMatchObject({ algorithm: 'p256', publicOnly: true });
    await withOpen(target, (ks) => {
      const row = [...ks.versionRows()][0]!;
      expect(() => ks.verifyPublicOnly({ ...row, public_key: new Uint8Array(33).fill(2) })).toThrow(/does not open/);
    });
  });
});
