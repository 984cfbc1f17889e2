/**
 * Worker-thread entry: owns the database and the keys. Calls run one at a
 * time in arrival order, so a lock that arrives during a KDF takes effect
 * after it rather than being overtaken by it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isCustosError } from '../../../shared/errors.js';
import { useNativeBinding } from '../../core/keystore/sqlite.js';
import { usePkcs11Module } from '../../core/kms/pkcs11/binding.js';
import { coreOps } from './coreOps.js';
import type { CoreOp, WorkerCall, WorkerConfig, WorkerReply } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('coreWorker.js must run in a worker thread');

const config = (workerData ?? {}) as WorkerConfig;
if (config.nativeBinding) useNativeBinding(config.nativeBinding);
if (config.pkcs11Module) usePkcs11Module(config.pkcs11Module);

const post = (reply: WorkerReply): void => port.postMessage(reply);
const cancelFlag = config.cancelFlag ? new Int32Array(config.cancelFlag) : null;
// Read between batches of a long pass, which never yields to this thread's event loop.
const cancelled = () => (cancelFlag ? Atomics.load(cancelFlag, 0) === 1 : false);
const ops = coreOps((task, label, done, total) => post({ kind: 'progress', task, label, done, total }), cancelled);
let queue: Promise<void> = Promise.resolve();

async function run(call: WorkerCall): Promise<void> {
  try {
    const fn = ops[call.op as CoreOp] as ((args: unknown) => unknown) | undefined;
    if (typeof fn !== 'function') throw new TypeError(`unknown core operation ${String(call.op)}`);
    post({ kind: 'result', id: call.id, ok: true, value: await fn(call.args) });
  } catch (error) {
    // Only our own errors carry a message out; anything else may hold internals.
    if (isCustosError(error)) post({ kind: 'result', id: call.id, ok: false, code: error.code, message: error.message });
    else post({ kind: 'result', id: call.id, ok: false, code: 'INTERNAL', message: 'an unexpected error occurred in the vault engine' });
  }
}

port.on('message', (call: WorkerCall) => {
  queue = queue.then(() => run(call));
});
