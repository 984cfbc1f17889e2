import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Settings } from '../../shared/ipc';
import { custos, toShown, unwrap, type ShownError } from '../api';

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const error = ref<ShownError | null>(null);
  const saved = ref(false);

  async function hydrate(): Promise<void> {
    try {
      settings.value = await unwrap(custos().settings.get({}));
    } catch (e) {
      error.value = toShown(e);
    }
  }
  async function save(next: Settings): Promise<void> {
    error.value = null;
    saved.value = false;
    try {
      settings.value = await unwrap(custos().settings.set({ idleLockMinutes: next.idleLockMinutes }));
      saved.value = true;
    } catch (e) {
      error.value = toShown(e);
    }
  }
  function $reset(): void {
    settings.value = null;
    error.value = null;
    saved.value = false;
  }
  return { settings, error, saved, hydrate, save, $reset };
});
