/**
 * Main-thread side of the core worker: typed calls that resolve with the
 * worker's result or reject with a CustosError carrying its code. If the
 * worker dies, pending calls fail with INTERNAL, `onExit` fires (the app
 * treats it as a lock, since the keys died with it), and the next call
 * starts a fresh worker.
 *
 * A lock also retires the worker: calls after it go to a fresh one, and the
 * old one is terminated once its last call (the lock) has answered. Wiping
 * key arrays is not enough in V8: every copy noble makes of a 32-byte key
 * and every `.buffer` of a small typed array leaves a dead copy in the heap
 * that no `fill(0)` reaches (a core dump after lock found the record
 * wrapping key 22 times). Ending the thread frees that heap with it
 * (docs/RELIABILITY.md, "Secrets in memory").
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
  /** pkcs11js's package folder built for Electron (WorkerConfig.pkcs11Module). */
  pkcs11Module?: string | undefined;
  onProgress?: (progress: Omit<WorkerProgress, 'kind'>) => void;
  onExit?: () => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  worker: Worker;
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
  // Workers that were sent a lock: no new calls; terminated when their calls have answered.
  const retiring = new Set<Worker>();
  const exited = new WeakMap<Worker, Promise<void>>();

  const failAll = (message: string, only?: Worker): void => {
    for (const [id, p] of pending) {
      if (only && p.worker !== only) continue;
      p.reject(new CustosError('INTERNAL', message));
      pending.delete(id);
    }
  };
  const busy = (w: Worker): boolean => [...pending.values()].some((p) => p.worker === w);
  const retireIfDone = (w: Worker): void => {
    if (retiring.has(w) && !busy(w)) void w.terminate();
  };

  const spawn = (): Worker => {
    const w = new Worker(url, { workerData: { nativeBinding: options.nativeBinding, pkcs11Module: options.pkcs11Module, cancelFlag: cancelFlag.buffer } });
    exited.set(w, new Promise((resolve) => w.once('exit', () => resolve())));
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
      retireIfDone(w);
    });
    w.on('error', () => failAll('the vault engine stopped unexpectedly; the vault is locked', w));
    w.on('exit', () => {
      if (worker === w) worker = null;
      failAll('the vault engine stopped; the vault is locked', w);
      // A retired worker ending is the lock completing, not news.
      if (!closing && !retiring.delete(w)) options.onExit?.();
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
      // No worker, nothing unlocked: a lock has nothing to do, and must not start one.
      if (op === 'lock' && worker === null) return Promise.resolve(null as CoreOps[typeof op]['result']);
      const target = (worker ??= spawn());
      if (op === 'lock') {
        retiring.add(target);
        worker = null;
      }
      const id = nextId++;
      const message: WorkerCall = { kind: 'call', id, op, args };
      const long = LONG_OPS.has(op);
      if (long) {
        longOp = op;
        Atomics.store(cancelFlag, 0, 0);
      }
      const result = new Promise<CoreOps[typeof op]['result']>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, worker: target });
        target.postMessage(message);
      });
      // A lock answers once the thread that held the keys is gone, not merely asked to go.
      if (op === 'lock') return result.then(async (value) => (await exited.get(target), value));
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
      const all = [...retiring, ...(worker ? [worker] : [])];
      worker = null;
      await Promise.all(all.map((w) => w.terminate()));
      failAll('the vault engine was shut down');
    },
  };
}
