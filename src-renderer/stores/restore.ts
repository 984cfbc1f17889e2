import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { VaultRef } from '../../shared/ipc';
import type { DrillReport, RestoreBundle, RestoreImportReport, RestoreState, SheetClaims } from '../../shared/ipcRestore';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

/**
 * The restore wizard's view of main's session: shares as positions and
 * sources, progress, the bundle's header, reports. Share words and
 * passphrases pass straight through to main and are never kept here.
 */
export const useRestoreStore = defineStore('restore', () => {
  const state = ref<RestoreState | null>(null);
  const words = ref<string[]>([]);
  const compared = ref<{ vaultFingerprint: string; ceremony: string } | null>(null);
  const bundle = ref<RestoreBundle | null>(null);
  const restored = ref<VaultRef | null>(null);
  const report = ref<RestoreImportReport | null>(null);
  const drill = ref<DrillReport | null>(null);
  const printed = ref<string | null>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);
  const run = <T>(fn: () => Promise<T>): Promise<T | null> => tracked({ error, busy }, fn);
  const take = (next: RestoreState | null): boolean => {
    if (next) {
      state.value = next;
      bundle.value = next.bundle;
      if (!next.compared) compared.value = null;
    }
    return next !== null;
  };

  async function hydrate(): Promise<void> {
    await run(async () => {
      take(await unwrap(custos().restore.state({})));
      if (words.value.length === 0) words.value = (await unwrap(custos().restore.wordlist({}))).words;
    });
  }
  const addShare = async (text: string, how: 'typed' | 'camera') => take(await run(() => unwrap(custos().restore.addShare({ words: text, how }))));
  const scanShare = async () => take(await run(() => unwrap(custos().restore.scanShare({}))));
  const removeShare = async (index: number) => take(await run(() => unwrap(custos().restore.removeShare({ index }))));
  async function reset(): Promise<void> {
    take(await run(() => unwrap(custos().restore.reset({}))));
    compared.value = null;
    report.value = null;
    drill.value = null;
    restored.value = null;
  }
  async function compare(claims: SheetClaims): Promise<boolean> {
    compared.value = await run(() => unwrap(custos().restore.compare(claims)));
    if (compared.value) await hydrate();
    return compared.value !== null;
  }
  async function chooseBundle(): Promise<void> {
    const chosen = await run(() => unwrap(custos().restore.chooseBundle({})));
    if (chosen) bundle.value = chosen;
  }
  async function create(name: string, passphrase: string): Promise<VaultRef | null> {
    restored.value = await run(() => unwrap(custos().restore.create({ name, passphrase })));
    if (restored.value) await hydrate();
    return restored.value;
  }
  async function importBundle(): Promise<void> {
    report.value = await run(() => unwrap(custos().restore.import({})));
    await hydrate();
  }
  async function cancel(): Promise<void> {
    await custos().restore.cancel({});
  }
  async function runDrill(): Promise<void> {
    printed.value = null;
    drill.value = await run(() => unwrap(custos().restore.drill({})));
  }
  async function printDrill(): Promise<void> {
    printed.value = (await run(() => unwrap(custos().restore.printDrill({}))))?.file ?? null;
  }
  async function camera(open: boolean): Promise<void> {
    await custos().restore.camera({ open });
  }
  function $reset(): void {
    state.value = null;
    compared.value = null;
    bundle.value = null;
    restored.value = null;
    report.value = null;
    drill.value = null;
    printed.value = null;
    error.value = null;
    busy.value = false;
  }
  return { state, words, compared, bundle, restored, report, drill, printed, error, busy, hydrate, addShare, scanShare, removeShare, reset, compare, chooseBundle, create, importBundle, cancel, runDrill, printDrill, camera, $reset };
});
