/**
 * What the Backups screen's Acra Redis and Vault panels send to main, built
 * from their forms (src-renderer/acraRequests.ts): exactly what the contract
 * accepts, and a typed Redis password or Vault token taken out of its form
 * as the request is built, so nothing of it stays after the call.
 */
import { describe, expect, it } from 'vitest';
import { ACRA_REMOTE_CONTRACT } from '../../shared/ipcAcraRemote.js';
import { emptyRedis, emptyVault, selectionOf, takeRedisTarget, takeVaultPublish } from '../../src-renderer/acraRequests.js';

describe('Acra panel requests', () => {
  it('a Redis target as the contract takes it, the password cleared from the form as it leaves', () => {
    const form = { ...emptyRedis(), host: ' [fd00::5] ', port: 6380, db: 1, password: 'redis-pw', tls: true, tlsCa: true, sni: ' redis.internal ' };
    const redis = takeRedisTarget(form);
    expect(redis).toEqual({ host: 'fd00::5', port: 6380, db: 1, keysDir: '.acrakeys', password: 'redis-pw', tls: { ca: true, clientCert: false, sni: 'redis.internal' } });
    expect(form.password).toBe('');
    const selection = selectionOf({ clientIds: 'billing-svc, report-svc  ', zoneIds: '', global: true });
    expect(selection).toEqual({ clientIds: ['billing-svc', 'report-svc'], zoneIds: [], global: true });
    expect(ACRA_REMOTE_CONTRACT['acra:redisPush'].request.safeParse({ redis, selection, masterKey: 'file', replace: false }).success).toBe(true);

    // No password typed: none is sent; TLS unticked: null, whatever the TLS boxes say.
    const plain = takeRedisTarget({ ...form, tls: false, host: '10.0.0.5' });
    expect(plain).toEqual({ host: '10.0.0.5', port: 6380, db: 1, keysDir: '.acrakeys', tls: null });
    expect(ACRA_REMOTE_CONTRACT['acra:redisPull'].request.safeParse({ redis: plain }).success).toBe(true);
  });

  it('a vault-publish request as the contract takes it, the token cleared from the form', () => {
    const form = { ...emptyVault(), address: ' https://vault.internal:8200 ', token: 'hvs.token', privateCa: true };
    const request = takeVaultPublish(form);
    expect(request).toEqual({ vaultAddr: 'https://vault.internal:8200', path: 'secret/acra', auth: { method: 'token', token: 'hvs.token' }, privateCa: true, replace: false });
    expect(form.token).toBe('');
    expect(ACRA_REMOTE_CONTRACT['acra:vaultPublish'].request.safeParse(request).success).toBe(true);
    // An empty token is not sent as one: the contract refuses it, so main never sees a blank credential.
    expect(ACRA_REMOTE_CONTRACT['acra:vaultPublish'].request.safeParse(takeVaultPublish(form)).success).toBe(false);
  });
});
