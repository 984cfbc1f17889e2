import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AcraExportView, AcraImportView, AcraMasterKeySource, AcraSelectionView } from '../../shared/ipcAcra';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

export interface AcraExportForm {
  /** Client ids and zone ids as typed: separated by commas or spaces, as the CLI's repeated flags. */
  clientIds: string;
  zoneIds: string;
  global: boolean;
  masterKey: AcraMasterKeySource;
  replace: boolean;
}

const emptyForm = (): AcraExportForm => ({ clientIds: '', zoneIds: '', global: false, masterKey: 'new', replace: false });
const ids = (typed: string) => typed.split(/[\s,]+/).filter(Boolean);

function selectionOf(form: AcraExportForm): AcraSelectionView {
  return { clientIds: ids(form.clientIds), zoneIds: ids(form.zoneIds), global: form.global };
}

/**
 * The Backups screen's Acra keystore section: export to and import from the
 * folders and key file main's dialogs choose. Holds names, counts, paths
 * main chose and fingerprints; never the Acra master key.
 */
export const useAcraStore = defineStore('acra', () => {
  const form = ref<AcraExportForm>(emptyForm());
  const exported = ref<AcraExportView | null>(null);
  const imported = ref<AcraImportView | null>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);

  async function exportKeystore(): Promise<void> {
    exported.value = null;
    const { masterKey, replace } = form.value;
    const selection = selectionOf(form.value);
    exported.value = await tracked({ error, busy }, () => unwrap(custos().acra.export({ selection, masterKey, replace })));
  }

  async function importKeystore(): Promise<void> {
    imported.value = null;
    imported.value = await tracked({ error, busy }, () => unwrap(custos().acra.import({})));
  }

  function $reset(): void {
    form.value = emptyForm();
    exported.value = null;
    imported.value = null;
    error.value = null;
    busy.value = false;
  }

  return { form, exported, imported, error, busy, exportKeystore, importKeystore, $reset };
});
