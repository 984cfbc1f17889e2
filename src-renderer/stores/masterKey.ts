import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RotateRequest, RotationOutcome, RotationPlan } from '../../shared/ipc';
import { custos, toShown, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

/**
 * Master-key rotation: what it would touch (for the warning), and its
 * outcome. Credentials pass straight through to main; the new master key
 * never comes back (it lives only inside the unlock methods that were kept).
 */
export const useMasterKeyStore = defineStore('masterKey', () => {
  const plan = ref<RotationPlan | null>(null);
  const outcome = ref<RotationOutcome | null>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);

  async function loadPlan(): Promise<void> {
    error.value = null;
    try {
      plan.value = await unwrap(custos().masterKey.rotationPlan({}));
    } catch (e) {
      error.value = toShown(e);
    }
  }
  async function rotate(request: RotateRequest): Promise<boolean> {
    outcome.value = null;
    const done = await tracked({ error, busy }, async () => {
      outcome.value = await unwrap(custos().masterKey.rotate(request));
      plan.value = await unwrap(custos().masterKey.rotationPlan({}));
      return true;
    });
    return done === true;
  }
  function $reset(): void {
    plan.value = null;
    outcome.value = null;
    error.value = null;
    busy.value = false;
  }
  return { plan, outcome, error, busy, loadPlan, rotate, $reset };
});
