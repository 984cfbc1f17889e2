import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { IpcResponse } from '../../shared/ipc';
import type { AuditFilter, AuditRowView } from '../../shared/ipcAudit';
import { custos, unwrap, type ShownError } from '../api';
import { tracked } from './tracked';

/** Entries per `audit:page` request. */
export const PAGE_SIZE = 200;
/** Pages kept in memory: a long scroll drops the pages farthest from view. */
const KEEP_PAGES = 20;

export interface AuditFilterForm {
  operation: string;
  actor: string;
  key: string;
  from: string;
  to: string;
}

const noFilter = (): AuditFilterForm => ({ operation: '', actor: '', key: '', from: '', to: '' });

function toRequest(f: AuditFilterForm): AuditFilter {
  const out: AuditFilter = {};
  if (f.operation) out.operation = f.operation;
  if (f.actor.trim()) out.actor = f.actor.trim();
  if (f.key.trim()) out.key = f.key.trim();
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  return out;
}

/**
 * The audit log of the open vault, a page at a time: the list asks for the
 * pages around what is on screen, so a 100,000-entry log is never loaded
 * whole. A filter change starts a new generation; answers for an older one
 * are dropped.
 */
export const useAuditStore = defineStore('audit', () => {
  const head = ref<IpcResponse<'audit:head'> | null>(null);
  const form = ref<AuditFilterForm>(noFilter());
  const applied = ref<AuditFilter>({});
  const total = ref(0);
  const pages = shallowRef(new Map<number, AuditRowView[]>());
  const verdict = ref<IpcResponse<'audit:verify'> | null>(null);
  const status = ref('');
  const error = ref<ShownError | null>(null);
  const busy = ref(false);
  const verifying = ref(false);
  let generation = 0;
  const loading = new Set<number>();

  async function fetchPage(page: number): Promise<void> {
    if (pages.value.has(page) || loading.has(page)) return;
    const gen = generation;
    loading.add(page);
    try {
      const result = await unwrap(custos().audit.page({ filter: applied.value, offset: page * PAGE_SIZE, limit: PAGE_SIZE }));
      if (gen !== generation) return;
      const next = new Map(pages.value);
      next.set(page, result.entries);
      for (const p of [...next.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page))) {
        if (next.size <= KEEP_PAGES) break;
        next.delete(p);
      }
      pages.value = next;
      total.value = result.total;
    } catch (e) {
      if (gen === generation) await tracked({ error, busy }, () => Promise.reject(e));
    } finally {
      loading.delete(page);
    }
  }

  /** The entry at a position of the (filtered) list, or null while its page loads. */
  function rowAt(index: number): AuditRowView | null {
    return pages.value.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE] ?? null;
  }

  /** Asks for every page the rows first..last fall in. */
  function want(first: number, last: number): void {
    for (let p = Math.floor(Math.max(0, first) / PAGE_SIZE); p <= Math.floor(Math.max(0, last) / PAGE_SIZE); p++) void fetchPage(p);
  }

  async function reload(): Promise<void> {
    generation++;
    pages.value = new Map();
    loading.clear();
    head.value = await unwrap(custos().audit.head({}));
    await fetchPage(0);
  }

  async function hydrate(): Promise<void> {
    await tracked({ error, busy }, reload);
  }
  async function applyFilter(): Promise<void> {
    applied.value = toRequest(form.value);
    await tracked({ error, busy }, reload);
  }
  async function clearFilter(): Promise<void> {
    form.value = noFilter();
    await applyFilter();
  }
  async function verify(): Promise<void> {
    verdict.value = null;
    verifying.value = true;
    try {
      verdict.value = await tracked({ error, busy }, () => unwrap(custos().audit.verify({})));
    } finally {
      verifying.value = false;
    }
  }
  async function exportTranscript(format: 'json' | 'pdf'): Promise<void> {
    status.value = '';
    const saved = await tracked({ error, busy }, () => unwrap(custos().audit.export({ format })));
    if (!saved) return;
    status.value = `Saved the signed transcript (${format.toUpperCase()}, ${saved.entries} entries, head ${saved.head}) to ${saved.file}.`;
    // The export is itself an entry: the head moved.
    await tracked({ error, busy }, reload);
  }

  function $reset(): void {
    generation++;
    loading.clear();
    head.value = null;
    form.value = noFilter();
    applied.value = {};
    total.value = 0;
    pages.value = new Map();
    verdict.value = null;
    status.value = '';
    error.value = null;
    busy.value = false;
    verifying.value = false;
  }

  return { $reset, head, form, applied, total, pages, verdict, status, error, busy, verifying, rowAt, want, hydrate, applyFilter, clearFilter, verify, exportTranscript };
});
