import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ProgressEvent } from '../../shared/ipc';

/** The long task running in main's worker, as its progress events describe it. */
export const useProgressStore = defineStore('progress', () => {
  const current = ref<ProgressEvent | null>(null);
  const running = computed(() => current.value !== null && !(current.value.total > 0 && current.value.done >= current.value.total));

  function update(event: ProgressEvent): void {
    current.value = event;
  }
  /** The call this progress belonged to returned: the bar goes. */
  function finish(): void {
    current.value = null;
  }
  function $reset(): void {
    current.value = null;
  }
  return { current, running, update, finish, $reset };
});
