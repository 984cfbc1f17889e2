import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { KeyDetail, KeyInfo, KeyPurpose, KeyState } from '../../shared/keys';
import type { GenerateKeysRequest } from '../../shared/ipc';
import { custos, unwrap, type ShownError } from '../api';
import { destroyedStatus } from './oldBytesNotice';
import { tracked } from './tracked';

export interface KeyFilters {
  search: string;
  owner: string;
  purpose: KeyPurpose | '';
  state: KeyState | '';
}

const noFilters = (): KeyFilters => ({ search: '', owner: '', purpose: '', state: '' });
export const ownerOf = (k: KeyInfo): string => k.clientId ?? k.zoneId ?? '';

/**
 * Key metadata of the open vault (never key material), with the filters the
 * list applies and the key selected for the details pane (all its versions).
 */
export const useKeysStore = defineStore('keys', () => {
  const keys = ref<KeyInfo[]>([]);
  const filters = ref<KeyFilters>(noFilters());
  const error = ref<ShownError | null>(null);
  const status = ref('');
  const busy = ref(false);
  const pem = ref<{ name: string; pem: string } | null>(null);
  const selected = ref<string | null>(null);
  const detail = ref<KeyDetail | null>(null);

  const owners = computed(() => [...new Set(keys.value.map(ownerOf).filter((o) => o !== ''))].sort());
  const filtered = computed(() => {
    const f = filters.value;
    const search = f.search.trim().toLowerCase();
    return keys.value.filter(
      (k) =>
        (search === '' || k.name.toLowerCase().includes(search) || k.fingerprint.toLowerCase().includes(search)) &&
        (f.owner === '' || ownerOf(k) === f.owner) &&
        (f.purpose === '' || k.purpose === f.purpose) &&
        (f.state === '' || k.state === f.state),
    );
  });

  async function run(fn: () => Promise<string>): Promise<boolean> {
    status.value = '';
    const done = await tracked({ error, busy }, fn);
    if (done !== null) status.value = done;
    return done !== null;
  }
  async function refresh(): Promise<void> {
    keys.value = (await unwrap(custos().keys.list({}))).keys;
    // Every change goes through here, so the details pane never shows a stale version list.
    detail.value = selected.value ? await unwrap(custos().keys.get({ name: selected.value })) : null;
  }
  /** Shows one key in the details pane; a failure (say, a lock in between) leaves the pane empty with the error shown. */
  async function select(name: string): Promise<void> {
    if (selected.value === name && detail.value?.name === name) return;
    selected.value = name;
    detail.value = null;
    const found = await tracked({ error, busy }, () => unwrap(custos().keys.get({ name })));
    if (found && selected.value === name) detail.value = found;
  }

  const hydrate = () => run(async () => (await refresh(), ''));
  const generate = (request: GenerateKeysRequest) =>
    run(async () => {
      const { created } = await unwrap(custos().keys.generate(request));
      await refresh();
      return `Generated ${created.length} keys: ${created.map((k) => k.name).join(', ')}`;
    });
  const rotate = (name: string) =>
    run(async () => {
      const info = await unwrap(custos().keys.rotate({ name }));
      await refresh();
      return `Rotated ${name}: version ${info.version} is now current`;
    });
  const disable = (name: string) => run(async () => (await unwrap(custos().keys.disable({ name })), await refresh(), `Disabled ${name}`));
  const enable = (name: string) => run(async () => (await unwrap(custos().keys.enable({ name })), await refresh(), `Enabled ${name}`));
  const destroy = (name: string, confirmation: string) =>
    run(async () => {
      const destroyed = await unwrap(custos().keys.destroy({ name, confirmation }));
      await refresh();
      return destroyedStatus(name, destroyed);
    });
  const showPem = (name: string) =>
    run(async () => {
      pem.value = { name, pem: (await unwrap(custos().keys.publicPem({ name }))).pem };
      return '';
    });
  const copyPem = (name: string) => run(async () => (await unwrap(custos().keys.copyPublicPem({ name })), `Copied the public key of ${name}`));
  const clearFilters = () => {
    filters.value = noFilters();
  };

  function $reset(): void {
    keys.value = [];
    filters.value = noFilters();
    error.value = null;
    status.value = '';
    busy.value = false;
    pem.value = null;
    selected.value = null;
    detail.value = null;
  }
  return { keys, filters, filtered, owners, error, status, busy, pem, selected, detail, select, hydrate, generate, rotate, disable, enable, destroy, showPem, copyPem, clearFilters, $reset };
});
