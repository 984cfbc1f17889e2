import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AcraMasterKeySource } from '../../shared/ipcAcra';
import type { AcraBundleExportView, AcraBundleImportView, AcraPullView, AcraPushView, AcraVaultPublishView } from '../../shared/ipcAcraRemote';
import { emptyRedis, emptySelection, emptyVault, selectionOf, takeRedisTarget, takeVaultPublish, type RedisForm, type VaultForm } from '../acraRequests';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

export type { AcraSelectionForm, RedisForm, VaultForm } from '../acraRequests';

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

  async function pushToRedis(): Promise<void> {
    pushed.value = null;
    pulled.value = null;
    const { masterKey, replace } = push.value;
    const request = { redis: takeRedisTarget(redis.value), selection: selectionOf(push.value.selection), masterKey, replace };
    pushed.value = await tracked({ error: redisError, busy }, () => unwrap(custos().acra.redisPush(request)));
  }

  async function pullFromRedis(): Promise<void> {
    pushed.value = null;
    pulled.value = null;
    const request = { redis: takeRedisTarget(redis.value) };
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
    const request = takeVaultPublish(vault.value);
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
