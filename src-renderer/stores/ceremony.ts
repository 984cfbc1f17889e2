import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CeremonyState, IpcRequest, IpcResponse } from '../../shared/ipc';
import { custos, toShown, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

export type SheetPreview = IpcResponse<'ceremony:preview'>;
export type VerifyOutcome = { index: number; match: boolean; actualIndex: number | null };

/**
 * The ceremony wizard. Main owns the session (it survives a restart of the
 * app); this store only mirrors what main says about it. It holds no share
 * words and no share passphrase: both go straight through as call arguments.
 */
export const useCeremonyStore = defineStore('ceremony', () => {
  const state = ref<CeremonyState | null>(null);
  /** True once main has answered `ceremony:state`, so "no ceremony" is not shown before it is known. */
  const loaded = ref(false);
  const preview = ref<SheetPreview | null>(null);
  /** The last sheet check: which sheet, and whether it matched (never the words). */
  const lastCheck = ref<VerifyOutcome | null>(null);
  const printedFolder = ref<string | null>(null);
  const transcriptFile = ref<string | null>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);

  async function hydrate(): Promise<void> {
    error.value = null;
    try {
      state.value = (await unwrap(custos().ceremony.state({}))).state;
    } catch (e) {
      error.value = toShown(e);
    }
    loaded.value = true;
  }
  /**
   * On the Welcome screen (no vault open): a ceremony begun there before its vault exists, if any. A locked
   * vault answers KEYSTORE_LOCKED when there is none; that is no error here, so nothing is shown.
   */
  async function hydrateDraft(): Promise<void> {
    const answer = await custos().ceremony.state({});
    state.value = answer.ok ? answer.value.state : null;
  }
  /** One call whose answer carries the session: it replaces ours. */
  async function step<T extends { state: CeremonyState }>(call: () => Promise<T>): Promise<T | null> {
    const result = await tracked({ error, busy }, call);
    if (result) state.value = result.state;
    return result;
  }
  const begin = () => step(() => unwrap(custos().ceremony.begin({})));
  const airGap = (request: IpcRequest<'ceremony:airGap'>) => step(() => unwrap(custos().ceremony.airGap(request)));
  const roles = (request: IpcRequest<'ceremony:roles'>) => step(() => unwrap(custos().ceremony.roles(request)));
  const keys = (request: IpcRequest<'ceremony:keys'>) => step(() => unwrap(custos().ceremony.keys(request)));
  /** The request may carry the share passphrase: the caller clears its field before this returns. */
  const quorum = (request: IpcRequest<'ceremony:quorum'>) => step(() => unwrap(custos().ceremony.quorum(request)));
  async function loadPreview(paperSize: 'a4' | 'letter'): Promise<void> {
    preview.value = await tracked({ error, busy }, () => unwrap(custos().ceremony.preview({ paperSize })));
  }
  async function print(request: IpcRequest<'ceremony:print'>): Promise<boolean> {
    const result = await step(() => unwrap(custos().ceremony.print(request)));
    if (result) printedFolder.value = result.folder;
    return result !== null;
  }
  /** Opens or closes the camera permission in main; failures are shown like any other. */
  async function camera(open: boolean): Promise<boolean> {
    try {
      return (await unwrap(custos().ceremony.camera({ open }))).open;
    } catch (e) {
      error.value = toShown(e);
      return false;
    }
  }
  /** Sends the words read or typed for sheet `index` to main at once; only the verdict is kept. */
  async function verifySheet(index: number, words: string, how: 'camera' | 'scan' | 'typed', by?: string): Promise<VerifyOutcome | null> {
    const result = await step(() => unwrap(custos().ceremony.verifySheet({ index, words, how, ...(by ? { by } : {}) })));
    lastCheck.value = result ? { index, match: result.match, actualIndex: result.actualIndex } : null;
    return lastCheck.value;
  }
  const backup = (by?: string) => step(() => unwrap(custos().ceremony.backup(by ? { by } : {})));
  async function transcript(by?: string): Promise<boolean> {
    const result = await step(() => unwrap(custos().ceremony.transcript(by ? { by } : {})));
    if (result) transcriptFile.value = result.file;
    return result !== null;
  }
  async function finish(by?: string): Promise<string | null> {
    const result = await tracked({ error, busy }, () => unwrap(custos().ceremony.finish(by ? { by } : {})));
    if (result) clearSession();
    return result?.ceremonyId ?? null;
  }
  async function abandon(confirmation: string): Promise<boolean> {
    const result = await tracked({ error, busy }, () => unwrap(custos().ceremony.abandon({ confirmation })));
    if (result) clearSession();
    return result !== null;
  }
  function clearSession(): void {
    state.value = null;
    preview.value = null;
    lastCheck.value = null;
    printedFolder.value = null;
    transcriptFile.value = null;
  }
  function $reset(): void {
    clearSession();
    loaded.value = false;
    error.value = null;
    busy.value = false;
  }
  return {
    state, loaded, preview, lastCheck, printedFolder, transcriptFile, error, busy,
    hydrate, hydrateDraft, begin, airGap, roles, keys, quorum, loadPreview, print, camera, verifySheet, backup, transcript, finish, abandon, $reset,
  };
});
