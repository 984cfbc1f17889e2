import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NetworkStatus } from '../../shared/ipc';
import { custos, unwrap } from '../api';

export const useNetworkStore = defineStore('network', () => {
  const status = ref<NetworkStatus | null>(null);

  async function refresh(): Promise<void> {
    try {
      status.value = await unwrap(custos().network.status({}));
    } catch {
      status.value = null;
    }
  }
  function $reset(): void {
    status.value = null;
  }
  return { status, refresh, $reset };
});
