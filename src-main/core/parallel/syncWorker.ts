import { Worker } from 'node:worker_threads';

/**
 * A second thread for a synchronous bulk pass (`custos check`, `audit
 * verify`, export and import proving pairs, a large generate making them):
 * the caller fills a batch in shared memory, hands it to the worker
 * and goes on reading and opening rows while the worker does the batch's
 * crypto; it collects the answer later, blocking only if it is not ready.
 * When every slot is busy the caller does the batch itself, so the two
 * threads share the work whatever each one's speed, and on a one-core machine
 * the pass is no slower than doing it all in one thread.
 *
 * The worker is an `eval` script that uses node:crypto only, so it loads the
 * same way from the sources (tests, benches), the built CLI and the app's own
 * worker thread. It is started by `warm` or at the first batch posted: a
 * small keystore or log never pays for it. Nothing here trusts the worker to
 * answer: a batch it fails or does not finish within `patienceMs` is done by
 * the caller from the same input, which stays in the slot until the slot is
 * collected.
 */

/**
 * What the worker script defines: `function work(bytes, count, params)`
 * writing its answers into `bytes`, and optionally a setup that sets `ready`
 * to a promise (to import modules named in `workerData.modules`, say).
 */
const PRELUDE = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const slots = workerData.slots.map((sab) => ({ state: new Int32Array(sab, 0, 2), bytes: new Uint8Array(sab, 8) }));
const params = new Uint8Array(workerData.params);
let ready = Promise.resolve();
parentPort.on('message', async (m) => {
  const slot = slots[m.slot];
  // Claim the batch (posted -> working) unless the caller took it back to do itself. The count is read
  // from the slot, not the message: a message that outlived a taken-back batch then does the slot's
  // current batch whole, and the batch's own message finds it done.
  if (Atomics.compareExchange(slot.state, 0, 1, 4) !== 1) return;
  let state = 2;
  try { await ready; work(slot.bytes, Atomics.load(slot.state, 1), params); } catch { state = 3; }
  // Only over its own claim: a caller that gave up on this batch (and may have refilled the slot) never sees it done.
  Atomics.compareExchange(slot.state, 0, 4, state);
  Atomics.notify(slot.state, 0);
});
`;

export interface WorkerScript {
  /** The body of `work(bytes, count, params)`: plain JavaScript, `crypto` (node:crypto) in scope. */
  work: string;
  /** Top-level statements run once when the worker starts (may set `ready`). */
  setup?: string;
  /** File paths of modules the setup imports, passed as `workerData.modules`. */
  modules?: Record<string, string>;
}

const IDLE = 0;
const POSTED = 1;
const DONE = 2;
// 3: the worker failed the batch.
const WORKING = 4;
const RECLAIMED = 5;

export interface Slot {
  readonly index: number;
  /** The batch's bytes: input as the caller writes it, answers as the worker writes them. */
  readonly bytes: Uint8Array;
  /** [0]: idle, posted, done, failed, working or taken back; [1]: the number of items posted. */
  readonly state: Int32Array;
  busy: boolean;
}

export class SyncWorker {
  private worker: Worker | null = null;
  private dead = false;
  private readonly slots: Slot[];
  private readonly params: Uint8Array;

  /**
   * `params` is shared read-only input such as a key, wiped by `close`.
   */
  constructor(
    private readonly script: WorkerScript,
    slotBytes: number,
    params: Uint8Array = new Uint8Array(0),
    slotCount = 2,
    private readonly patienceMs = 10_000,
  ) {
    this.slots = Array.from({ length: slotCount }, (_, index) => {
      const shared = new SharedArrayBuffer(8 + slotBytes);
      return { index, bytes: new Uint8Array(shared, 8), state: new Int32Array(shared, 0, 2), busy: false };
    });
    this.params = new Uint8Array(new SharedArrayBuffer(params.length));
    this.params.set(params);
  }

  /** A slot to fill, or null when every slot holds a batch the worker has not yet answered (do it yourself). */
  free(): Slot | null {
    if (this.dead) return null;
    return this.slots.find((s) => !s.busy) ?? null;
  }

  /**
   * Starts the thread now rather than at the first batch, so that its start
   * (tens of milliseconds) overlaps the caller's own first steps.
   */
  warm(): void {
    try {
      if (!this.dead) this.worker ??= this.start();
    } catch {
      this.dead = true;
    }
  }

  /** Hands a filled slot to the worker, starting the worker on first use. */
  post(slot: Slot, count: number): void {
    this.warm();
    slot.busy = true;
    Atomics.store(slot.state, 1, count);
    // A dropped worker is never handed another batch: `settled` answers false and the caller does it.
    if (this.dead) return;
    Atomics.store(slot.state, 0, POSTED);
    this.worker?.postMessage({ slot: slot.index });
  }

  /** Whether the slot's batch was answered by the worker; false: the caller must do it from the slot's input. */
  settled(slot: Slot): boolean {
    // Once the worker was given up on, none of its answers is trusted: it may still be running on a slot
    // the caller has since done itself and refilled.
    if (this.dead) return false;
    const deadline = performance.now() + this.patienceMs;
    for (let state = Atomics.load(slot.state, 0); !this.dead && (state === POSTED || state === WORKING) && performance.now() < deadline; state = Atomics.load(slot.state, 0)) {
      Atomics.wait(slot.state, 0, state, 50);
    }
    // An unanswered batch means the worker is stuck or gone: stop using it (and revoke its claim on this
    // batch, so a late answer cannot land); the caller does the rest.
    if (Atomics.load(slot.state, 0) === DONE) return true;
    this.dead = true;
    Atomics.store(slot.state, 0, RECLAIMED);
    void this.worker?.terminate();
    return false;
  }

  /** Marks a collected slot free again, wiping what it held (secrets, for `check`). */
  release(slot: Slot): void {
    slot.bytes.fill(0);
    Atomics.store(slot.state, 0, IDLE);
    slot.busy = false;
  }

  /** Whether the worker is still on the slot's batch or has yet to start it (false once the worker is dropped). */
  pending(slot: Slot): boolean {
    const state = Atomics.load(slot.state, 0);
    return (state === POSTED || state === WORKING) && !this.dead;
  }

  /**
   * Takes back a posted batch the worker has not started, so the caller can do
   * it now rather than wait behind the worker's queue at the end of a pass;
   * false when the worker has it (collect it with `settled`). A taken-back slot
   * is then released as usual.
   */
  reclaim(slot: Slot): boolean {
    return Atomics.compareExchange(slot.state, 0, POSTED, RECLAIMED) === POSTED;
  }

  close(): void {
    this.params.fill(0);
    for (const slot of this.slots) slot.bytes.fill(0);
    void this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    const { work, setup = '', modules = {} } = this.script;
    const worker = new Worker(`${PRELUDE}\n${setup}\nfunction work(bytes, count, params) {\n${work}\n}`, {
      eval: true,
      // Not the parent's flags: a loader it was started with (tsx in tests and benches) would be loaded
      // again in this thread, costing more CPU than the batches save; the script needs none.
      execArgv: [],
      workerData: { slots: this.slots.map((s) => s.bytes.buffer), params: this.params.buffer, modules },
    });
    worker.unref();
    // Errors reach this listener only once the caller's synchronous pass is over; `settled` has handled them by then.
    worker.on('error', () => {
      this.dead = true;
    });
    return worker;
  }
}
