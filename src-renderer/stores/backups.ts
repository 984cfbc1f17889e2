import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { KeyPurpose } from '../../shared/keys';
import type { BackupExportView, BackupImportView, BackupPreviewView, BackupSelection, BundleSummaryView, ConflictChoice } from '../../shared/ipcBackups';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

export interface ExportForm {
  scope: 'all' | 'filter';
  clientId: string;
  zoneId: string;
  purpose: KeyPurpose | '';
  privateKeys: boolean;
}

/** What runs in main's worker right now, for the Cancel button. */
export type Running = 'export' | 'verify' | 'import' | null;

const emptyForm = (): ExportForm => ({ scope: 'all', clientId: '', zoneId: '', purpose: '', privateKeys: false });

function selectionOf(form: ExportForm): BackupSelection {
  if (form.scope === 'all') return { scope: 'all' };
  const s: BackupSelection = { scope: 'filter' };
  if (form.clientId.trim()) s.clientId = form.clientId.trim();
  if (form.zoneId.trim()) s.zoneId = form.zoneId.trim();
  if (form.purpose) s.purpose = form.purpose;
  return s;
}

/**
 * The Backups screen: export to the folders main's dialogs choose; import a
 * bundle main's dialog opened, shown before its access keys are asked for,
 * then verified (conflicts named), then imported with the chosen answer to
 * conflicts. Holds names, counts and fingerprints only; never a path for
 * main to read (a dropped file's path is where main's dialog starts).
 */
export const useBackupsStore = defineStore('backups', () => {
  const form = ref<ExportForm>(emptyForm());
  const exported = ref<BackupExportView | null>(null);
  const summary = ref<BundleSummaryView | null>(null);
  const preview = ref<BackupPreviewView | null>(null);
  const onConflict = ref<ConflictChoice>('fail');
  const imported = ref<BackupImportView | null>(null);
  const running = ref<Running>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);

  async function run<T>(what: Running, fn: () => Promise<T>): Promise<T | null> {
    running.value = what;
    try {
      return await tracked({ error, busy }, fn);
    } finally {
      running.value = null;
    }
  }

  async function exportKeys(): Promise<void> {
    exported.value = null;
    const selection = selectionOf(form.value);
    exported.value = await run('export', () => unwrap(custos().backups.export({ selection, privateKeys: form.value.privateKeys })));
  }

  /** `dropped`: the path of a file dropped on the window, where main's dialog starts. */
  async function openBundle(dropped?: string): Promise<void> {
    const request = dropped ? { dropped } : {};
    const opened = await run(null, () => unwrap(custos().backups.openBundle(request)));
    if (!opened) return;
    summary.value = opened;
    preview.value = null;
    imported.value = null;
    onConflict.value = 'fail';
  }

  async function openAccessKeys(): Promise<void> {
    preview.value = await run('verify', () => unwrap(custos().backups.openAccessKeys({})));
  }

  async function importBundle(): Promise<void> {
    const choice = onConflict.value;
    const done = await run('import', () => unwrap(custos().backups.import({ onConflict: choice })));
    if (!done) return;
    imported.value = done;
    summary.value = null;
    preview.value = null;
  }

  async function cancel(): Promise<void> {
    await custos().backups.cancel({});
  }

  function $reset(): void {
    form.value = emptyForm();
    exported.value = null;
    summary.value = null;
    preview.value = null;
    onConflict.value = 'fail';
    imported.value = null;
    running.value = null;
    error.value = null;
    busy.value = false;
  }

  return { form, exported, summary, preview, onConflict, imported, running, error, busy, exportKeys, openBundle, openAccessKeys, importBundle, cancel, $reset };
});
