import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AcraMasterKeySource, AcraSelectionView } from '../../shared/ipcAcra';
import type { AcraBundleExportView, AcraBundleImportView, AcraPullView, AcraPushView, AcraVaultPublishView, RedisTargetInput } from '../../shared/ipcAcraRemote';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

/** Client ids and zone ids as typed (commas or spaces between), and the global keys: the CLI's repeated flags. */
export interface AcraSelectionForm {
  clientIds: string;
  zoneIds: string;
  global: boolean;
}

export interface RedisForm {
  host: string;
  port: number;
  db: number;
  keysDir: string;
  /** Sent with the next call, then cleared: a typed secret is not kept here. */
  password: string;
  tls: boolean;
  tlsCa: boolean;
  tlsClientCert: boolean;
  sni: string;
}

export interface VaultForm {
  address: string;
  path: string;
  /** Sent with the next call, then cleared. */
  token: string;
  privateCa: boolean;
  replace: boolean;
}

const emptySelection = (): AcraSelectionForm => ({ clientIds: '', zoneIds: '', global: false });
const emptyRedis = (): RedisForm => ({ host: '', port: 6379, db: 0, keysDir: '.acrakeys', password: '', tls: false, tlsCa: false, tlsClientCert: false, sni: '' });
const emptyVault = (): VaultForm => ({ address: '', path: 'secret/acra', token: '', privateCa: false, replace: false });
const ids = (typed: string) => typed.split(/[\s,]+/).filter(Boolean);

export function selectionOf(form: AcraSelectionForm): AcraSelectionView {
  return { clientIds: ids(form.clientIds), zoneIds: ids(form.zoneIds), global: form.global };
}

function redisTargetOf(form: RedisForm): RedisTargetInput {
  return {
    host: form.host.trim().replace(/^\[|\]$/g, ''),
    port: form.port,
    db: form.db,
    keysDir: form.keysDir.trim(),
    ...(form.password ? { password: form.password } : {}),
    tls: form.tls ? { ca: form.tlsCa, clientCert: form.tlsClientCert, ...(form.sni.trim() ? { sni: form.sni.trim() } : {}) } : null,
  };
}

/**
 * The Backups screen's Redis, acra-keys bundle and Vault panels. Holds what
 * main answered (names, counts, addresses, paths, fingerprints); a typed
 * Redis password or Vault token leaves with the call and is cleared here.
 */
export const useAcraRemoteStore = defineStore('acraRemote', () => {
  const redis = ref<RedisForm>(emptyRedis());
  const push = ref({ selection: emptySelection(), masterKey: 'file' as AcraMasterKeySource, replace: false });
  const bundle = ref({ selection: emptySelection(), replace: false });
  const vault = ref<VaultForm>(emptyVault());
  const pushed = ref<AcraPushView | null>(null);
  const pulled = ref<AcraPullView | null>(null);
  const bundleExported = ref<AcraBundleExportView | null>(null);
  const bundleImported = ref<AcraBundleImportView | null>(null);
  const published = ref<AcraVaultPublishView | null>(null);
  const redisError = ref<ShownError | null>(null);
  const bundleError = ref<ShownError | null>(null);
  const vaultError = ref<ShownError | null>(null);
  const busy = ref(false);

  /** The target for one call; the password is cleared from the form as it leaves. */
  function takeRedisTarget(): RedisTargetInput {
    const target = redisTargetOf(redis.value);
    redis.value.password = '';
    return target;
  }

  async function pushToRedis(): Promise<void> {
    pushed.value = null;
    pulled.value = null;
    const { masterKey, replace } = push.value;
    const request = { redis: takeRedisTarget(), selection: selectionOf(push.value.selection), masterKey, replace };
    pushed.value = await tracked({ error: redisError, busy }, () => unwrap(custos().acra.redisPush(request)));
  }

  async function pullFromRedis(): Promise<void> {
    pushed.value = null;
    pulled.value = null;
    const request = { redis: takeRedisTarget() };
    pulled.value = await tracked({ error: redisError, busy }, () => unwrap(custos().acra.redisPull(request)));
  }

  async function exportBundle(): Promise<void> {
    bundleExported.value = null;
    bundleImported.value = null;
    const request = { selection: selectionOf(bundle.value.selection), replace: bundle.value.replace };
    bundleExported.value = await tracked({ error: bundleError, busy }, () => unwrap(custos().acra.bundleExport(request)));
  }

  async function importBundle(): Promise<void> {
    bundleExported.value = null;
    bundleImported.value = null;
    bundleImported.value = await tracked({ error: bundleError, busy }, () => unwrap(custos().acra.bundleImport({})));
  }

  async function publishToVault(): Promise<void> {
    published.value = null;
    const { address, path, token, privateCa, replace } = vault.value;
    vault.value.token = '';
    const request = { vaultAddr: address.trim(), path: path.trim(), auth: { method: 'token' as const, token }, privateCa, replace };
    published.value = await tracked({ error: vaultError, busy }, () => unwrap(custos().acra.vaultPublish(request)));
  }

  function $reset(): void {
    redis.value = emptyRedis();
    push.value = { selection: emptySelection(), masterKey: 'file', replace: false };
    bundle.value = { selection: emptySelection(), replace: false };
    vault.value = emptyVault();
    pushed.value = null;
    pulled.value = null;
    bundleExported.value = null;
    bundleImported.value = null;
    published.value = null;
    redisError.value = null;
    bundleError.value = null;
    vaultError.value = null;
    busy.value = false;
  }

  return {
    redis, push, bundle, vault, pushed, pulled, bundleExported, bundleImported, published, redisError, bundleError, vaultError, busy,
    pushToRedis, pullFromRedis, exportBundle, importBundle, publishToVault, $reset,
  };
});
