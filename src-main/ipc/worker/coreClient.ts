/**
 * Main-thread side of the core worker: typed calls that resolve with the
 * worker's result or reject with a CustosError carrying its code. If the
 * worker dies, pending calls fail with INTERNAL, `onExit` fires (the app
 * treats it as a lock, since the keys died with it), and the next call
 * starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import { CustosError } from '../../../shared/errors.js';
import { LONG_OPS, type CoreOp, type CoreOps, type WorkerCall, type WorkerProgress, type WorkerReply } from './protocol.js';

export interface CoreClient {
  call<K extends CoreOp>(op: K, args: CoreOps[K]['args']): Promise<CoreOps[K]['result']>;
  /** Asks the long operation under way (LONG_OPS) to stop at its next batch; false when none runs. */
  cancel(): boolean;
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

const describeLong = (op: CoreOp) => (op === 'backupExport' ? 'an export is under way' : op === 'backupPreview' ? 'a bundle is being verified' : 'an import is under way');

export function startCore(options: CoreClientOptions = {}): CoreClient {
  const url = options.workerUrl ?? new URL('./coreWorker.js', import.meta.url);
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;
  let closing = false;
  // Shared with every worker this client starts: main can raise it while the worker is busy in a synchronous pass.
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  let longOp: CoreOp | null = null;

  const failAll = (message: string): void => {
    for (const p of pending.values()) p.reject(new CustosError('INTERNAL', message));
    pending.clear();
  };

  const spawn = (): Worker => {
    const w = new Worker(url, { workerData: { nativeBinding: options.nativeBinding, cancelFlag: cancelFlag.buffer } });
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
      if (longOp !== null) {
        // The worker could not read this request before the long pass ends: say so now rather than wait.
        if (op !== 'lock') return Promise.reject(new CustosError('KEYSTORE_BUSY', `the vault is busy (${describeLong(longOp)}); try again when it ends, or cancel it`));
        Atomics.store(cancelFlag, 0, 1);
      }
      worker ??= spawn();
      const id = nextId++;
      const message: WorkerCall = { kind: 'call', id, op, args };
      const long = LONG_OPS.has(op);
      if (long) {
        longOp = op;
        Atomics.store(cancelFlag, 0, 0);
      }
      const result = new Promise<CoreOps[typeof op]['result']>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker?.postMessage(message);
      });
      if (!long) return result;
      const settle = () => {
        if (longOp === op) longOp = null;
      };
      return result.finally(settle);
    },
    cancel() {
      if (longOp === null) return false;
      Atomics.store(cancelFlag, 0, 1);
      return true;
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
