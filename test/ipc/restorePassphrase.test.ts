/**
 * Shares made with a SLIP-0039 passphrase: without it (or with a wrong one)
 * the shares give another key without any error, so the comparison with the
 * sheets refuses it; with it, the vault is restored. The passphrase is never
 * sent back.
 */
import { describe, expect, it } from 'vitest';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { recordCeremony, splitVault } from '../../src-main/core/paper/paperVault.js';
import { FAST_KDF, startHarness } from './harness.js';
import { restoreSource } from './restoreFixture.js';

describe('restore: shares made with a passphrase', () => {
  it('a missing or wrong share passphrase is WRONG_MASTER_KEY naming the key check; the right one restores and is never returned', async () => {
    const s = await restoreSource();
    const ks = await openKeystore(s.v.path, { kind: 'master-key', masterKey: new Uint8Array(s.v.keyBytes) });
    const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], custodians: [], passphrase: 'orchid lantern 7' });
    recordCeremony(ks, split.record, split.sheets[0]!.auditHead);
    ks.close();
    const sheet = split.sheets[0]!;
    const claims = { vaultFingerprint: sheet.vaultFingerprint, ceremony: sheet.ceremonyId, keyCheck: sheet.masterKeyCheck, auditHead: '' };
    const h = startHarness();
    for (const sh of split.sheets) await h.ok('restore:addShare', { words: sh.mnemonic, how: 'typed' });
    for (const wrong of [{}, { sharePassphrase: 'orchid lantern 8' }]) {
      const result = await h.call('restore:compare', { ...claims, ...wrong });
      expect(result.ok ? 'ok' : result.code).toBe('WRONG_MASTER_KEY');
      if (!result.ok) expect(result.message).toContain('key check: the sheets print');
    }
    const found = await h.ok('restore:compare', { ...claims, sharePassphrase: 'orchid lantern 7' });
    expect(found.vaultFingerprint).toBe(sheet.vaultFingerprint);
    h.fileChoices.push(s.bundle, s.accessKeys);
    await h.ok('restore:chooseBundle', {});
    const vault = await h.ok('restore:create', { name: 'restored', passphrase: 'restore host passphrase', kdf: FAST_KDF });
    expect(vault.vaultFingerprint).toBe(sheet.vaultFingerprint);
    const report = await h.ok('restore:import', {});
    expect(report.comparison.different).toBe(0);
    // This ceremony came after the backup: the bundle carries no record of it, so its sheets are not called genuine here.
    expect(report.sheets.map((x) => x.genuine)).toEqual([false, false]);
    const all = JSON.stringify([await h.ok('restore:state', {}), report, found, h.events]);
    expect(all).not.toContain('orchid lantern');
  }, 90_000);
});
