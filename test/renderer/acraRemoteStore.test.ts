/**
 * The Backups screen's Redis, bundle and Vault store (src-renderer/stores/
 * acraRemote.ts): what it sends is what the contract accepts, built from the
 * forms; a typed Redis password or Vault token leaves with the one call and
 * is cleared from the form whether the call succeeds or fails; answers are
 * kept, errors shown, and $reset (on lock) forgets everything.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACRA_REMOTE_CONTRACT } from '../../shared/ipcAcraRemote.js';
import { useAcraRemoteStore } from '../../src-renderer/stores/acraRemote.js';

type Channel = keyof typeof ACRA_REMOTE_CONTRACT;
const sent: Array<[Channel, unknown]> = [];
let answer: { ok: true; value: unknown } | { ok: false; code: string; message: string } = { ok: true, value: {} };

function fakeBridge() {
  const call = (channel: Channel) => async (payload: unknown) => {
    sent.push([channel, payload]);
    return answer;
  };
  (globalThis as unknown as { window: unknown }).window = {
    custos: { acra: { redisPush: call('acra:redisPush'), redisPull: call('acra:redisPull'), bundleExport: call('acra:bundleExport'), bundleImport: call('acra:bundleImport'), vaultPublish: call('acra:vaultPublish') } },
  };
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakeBridge();
  sent.length = 0;
  answer = { ok: true, value: { redis: 'redis://10.0.0.5:6379/1' } };
});

describe('the Acra Redis, bundle and Vault store', () => {
  it('sends what the contract accepts, and clears the Redis password as it leaves', async () => {
    const acra = useAcraRemoteStore();
    Object.assign(acra.redis, { host: ' [fd00::5] ', port: 6380, db: 1, password: 'redis-pw', tls: true, tlsCa: true, sni: 'redis.internal' });
    acra.push.selection = { clientIds: 'billing-svc, report-svc', zoneIds: '', global: true };
    await acra.pushToRedis();
    const [channel, payload] = sent[0]!;
    expect(channel).toBe('acra:redisPush');
    expect(payload).toEqual({
      redis: { host: 'fd00::5', port: 6380, db: 1, keysDir: '.acrakeys', password: 'redis-pw', tls: { ca: true, clientCert: false, sni: 'redis.internal' } },
      selection: { clientIds: ['billing-svc', 'report-svc'], zoneIds: [], global: true },
      masterKey: 'file',
      replace: false,
    });
    expect(ACRA_REMOTE_CONTRACT['acra:redisPush'].request.safeParse(payload).success).toBe(true);
    expect(acra.redis.password).toBe('');
    expect(acra.pushed).toEqual({ redis: 'redis://10.0.0.5:6379/1' });

    // No password typed: none is sent; TLS unticked: null, whatever the TLS boxes say.
    acra.redis.tls = false;
    await acra.pullFromRedis();
    expect(sent[1]).toEqual(['acra:redisPull', { redis: { host: 'fd00::5', port: 6380, db: 1, keysDir: '.acrakeys', tls: null } }]);
    expect(ACRA_REMOTE_CONTRACT['acra:redisPull'].request.safeParse(sent[1]![1]).success).toBe(true);
  });

  it('a failed call is shown, and the typed password and token are gone all the same', async () => {
    const acra = useAcraRemoteStore();
    answer = { ok: false, code: 'REDIS_AUTH_FAILED', message: 'Redis at redis://10.0.0.5:6379/0 refused AUTH: WRONGPASS' };
    Object.assign(acra.redis, { host: '10.0.0.5', password: 'wrong-pw' });
    await acra.pullFromRedis();
    expect(acra.redisError).toEqual({ code: 'REDIS_AUTH_FAILED', message: answer.message });
    expect(acra.redis.password).toBe('');
    expect(acra.pulled).toBeNull();

    answer = { ok: false, code: 'NOT_APPROVED', message: 'not approved' };
    Object.assign(acra.vault, { address: ' https://vault.internal:8200 ', token: 'hvs.token', privateCa: true });
    await acra.publishToVault();
    expect(sent.at(-1)).toEqual(['acra:vaultPublish', { vaultAddr: 'https://vault.internal:8200', path: 'secret/acra', auth: { method: 'token', token: 'hvs.token' }, privateCa: true, replace: false }]);
    expect(ACRA_REMOTE_CONTRACT['acra:vaultPublish'].request.safeParse(sent.at(-1)![1]).success).toBe(true);
    expect(acra.vault.token).toBe('');
    expect(acra.vaultError?.code).toBe('NOT_APPROVED');
    expect(acra.busy).toBe(false);
  });

  it('bundle export and import send the selection and nothing else; $reset forgets answers and forms', async () => {
    const acra = useAcraRemoteStore();
    acra.bundle.selection = { clientIds: '', zoneIds: 'zone-0001', global: false };
    acra.bundle.replace = true;
    await acra.exportBundle();
    await acra.importBundle();
    expect(sent).toEqual([
      ['acra:bundleExport', { selection: { clientIds: [], zoneIds: ['zone-0001'], global: false }, replace: true }],
      ['acra:bundleImport', {}],
    ]);
    expect(acra.bundleImported).not.toBeNull();
    acra.redis.host = '10.0.0.5';
    acra.$reset();
    expect(acra.bundleImported).toBeNull();
    expect(acra.bundle.selection).toEqual({ clientIds: '', zoneIds: '', global: false });
    expect(acra.redis.host).toBe('');
  });
});
