/**
 * Main-thread side of the core worker: typed calls that resolve with the
 * worker's result or reject with a CustosError carrying its code. If the
 * worker dies, pending calls fail with INTERNAL, `onExit` fires (the app
 * treats it as a lock, since the keys died with it), and the next call
 * starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import { CustosError } from '../../../shared/errors.js';
import type { CoreOp, CoreOps, WorkerCall, WorkerProgress, WorkerReply } from './protocol.js';

export interface CoreClient {
  call<K extends CoreOp>(op: K, args: CoreOps[K]['args']): Promise<CoreOps[K]['result']>;
  /** Stops the worker; its keys go with it. */
  close(): Promise<void>;
}

export interface CoreClientOptions {
  /** The compiled worker entry; defaults to coreWorker.js beside this file. */
  workerUrl?: URL;
  nativeBinding?: string | undefined;
  onProgress?: (progress: Omit<WorkerProgress, 'kind'>) => void;
  onExit?: () => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function startCore(options: CoreClientOptions = {}): CoreClient {
  const url = options.workerUrl ?? new URL('./coreWorker.js', import.meta.url);
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;
  let closing = false;

  const failAll = (message: string): void => {
    for (const p of pending.values()) p.reject(new CustosError('INTERNAL', message));
    pending.clear();
  };

  const spawn = (): Worker => {
    const w = new Worker(url, { workerData: { nativeBinding: options.nativeBinding } });
    w.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'progress') {
        options.onProgress?.({ task: reply.task, label: reply.label, done: reply.done, total: reply.total });
        return;
      }
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new CustosError(reply.code, reply.message));
    });
    w.on('error', () => failAll('the vault engine stopped unexpectedly; the vault is locked'));
    w.on('exit', () => {
      if (worker === w) worker = null;
      failAll('the vault engine stopped; the vault is locked');
      if (!closing) options.onExit?.();
    });
    return w;
  };

  return {
    call(op, args) {
      if (closing) return Promise.reject(new CustosError('INTERNAL', 'the vault engine is shutting down'));
      worker ??= spawn();
      const id = nextId++;
      const message: WorkerCall = { kind: 'call', id, op, args };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker?.postMessage(message);
      });
    },
    async close() {
      closing = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      failAll('the vault engine was shut down');
    },
  };
}
