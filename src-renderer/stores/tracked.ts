import type { Ref } from 'vue';
import { toShown, type ShownError } from '../api';
import { useProgressStore } from './progress';

/**
 * One call to main as every store makes it: the old error cleared, `busy`
 * while it runs, a failure kept as the error to show (null is returned), and
 * the progress bar closed whatever happened.
 */
export async function tracked<T>(state: { error: Ref<ShownError | null>; busy: Ref<boolean> }, fn: () => Promise<T>): Promise<T | null> {
  state.error.value = null;
  state.busy.value = true;
  try {
    return await fn();
  } catch (e) {
    state.error.value = toShown(e);
    return null;
  } finally {
    state.busy.value = false;
    useProgressStore().finish();
  }
}
