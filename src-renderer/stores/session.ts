import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LockReason, MethodCredentialsInput, OfferedMethod, VaultEntry, VaultRef } from '../../shared/ipc';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

/**
 * Which vault is open, and the calls that open and lock it. Passphrases pass
 * straight through to main; nothing here keeps them.
 */
export const useSessionStore = defineStore('session', () => {
  const vaults = ref<VaultEntry[]>([]);
  const unlocked = ref<VaultRef | null>(null);
  const error = ref<ShownError | null>(null);
  const busy = ref(false);
  const lockReason = ref<LockReason | null>(null);
  /** The unlock methods of the vault on the unlock screen: ids, kinds and labels only. */
  const methods = ref<OfferedMethod[]>([]);

  const run = <T>(fn: () => Promise<T>): Promise<T | null> => tracked({ error, busy }, fn);

  async function hydrate(): Promise<void> {
    await run(async () => {
      unlocked.value = (await unwrap(custos().app.status({}))).unlocked;
      vaults.value = (await unwrap(custos().vault.list({}))).vaults;
    });
  }
  /** Reads the open vault again (its fingerprint changes when the master key is rotated). */
  async function refreshStatus(): Promise<void> {
    await run(async () => {
      unlocked.value = (await unwrap(custos().app.status({}))).unlocked;
    });
  }
  async function create(name: string, passphrase: string): Promise<boolean> {
    const vault = await run(() => unwrap(custos().vault.create({ name, passphrase })));
    if (vault) opened(vault);
    return vault !== null;
  }
  async function loadMethods(id: string): Promise<void> {
    methods.value = [];
    const found = await run(() => unwrap(custos().vault.unlockMethods({ id })));
    if (found) methods.value = found.methods;
  }
  async function unlock(id: string, passphrase: string, methodId?: number): Promise<boolean> {
    const vault = await run(() => unwrap(custos().vault.unlock(methodId === undefined ? { id, passphrase } : { id, passphrase, methodId })));
    if (vault) opened(vault);
    return vault !== null;
  }
  async function unlockWithMethod(id: string, methodId: number, credentials: MethodCredentialsInput): Promise<boolean> {
    const vault = await run(() => unwrap(custos().vault.unlockWithMethod({ id, methodId, credentials })));
    if (vault) opened(vault);
    return vault !== null;
  }
  async function unlockWithKeyFile(id: string): Promise<boolean> {
    const vault = await run(() => unwrap(custos().vault.unlockWithKeyFile({ id })));
    if (vault) opened(vault);
    return vault !== null;
  }
  async function openFile(): Promise<VaultEntry | null> {
    const entry = await run(() => unwrap(custos().vault.openFile({})));
    if (entry && !vaults.value.some((v) => v.id === entry.id)) vaults.value = [...vaults.value, entry];
    return entry;
  }
  /** Asks main to lock; main answers with a `locked` event, which resets every store (see App.vue). */
  async function lock(): Promise<void> {
    await run(() => unwrap(custos().vault.lock({})));
  }
  function opened(vault: VaultRef): void {
    unlocked.value = vault;
    lockReason.value = null;
  }
  function $reset(): void {
    vaults.value = [];
    unlocked.value = null;
    error.value = null;
    busy.value = false;
    lockReason.value = null;
    methods.value = [];
  }
  return { vaults, unlocked, error, busy, lockReason, methods, hydrate, refreshStatus, create, loadMethods, unlock, unlockWithMethod, unlockWithKeyFile, openFile, lock, $reset };
});
