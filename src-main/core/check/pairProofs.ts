import type { ErrorCode } from '../../../shared/errors.js';
import type { KeyAlgorithm } from '../../../shared/keys.js';
import { equalBytes } from '../crypto/bytes.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { p256Points, type P256Points } from '../crypto/p256Points.js';
import { x25519PublicKey } from '../crypto/x25519.js';
import { materialFingerprint } from '../keystore/recordOpener.js';
import { inputSecret, publicKeyScript, publicKeySlotBytes, readAnswer, writeInput, type PairAlgorithm } from '../parallel/publicKeyWork.js';
import { SyncWorker, type Slot } from '../parallel/syncWorker.js';

/**
 * The proof that a key pair's stored public key and fingerprint belong to its
 * secret: the public point recomputed from the secret (one scalar
 * multiplication) and compared. That multiplication costs more than opening
 * the record, so `check` hands batches of secrets to a second thread while it
 * goes on opening records; every pair is still recomputed and compared, in
 * one thread or the other, and the comparison itself always runs here.
 */

export interface PairRow {
  /** Position of the row in the pass, so problems are reported in storage order. */
  order: number;
  name: string;
  version: number;
  algorithm: KeyAlgorithm;
  publicKey: Uint8Array | null;
  fingerprint: string;
}

export interface OrderedProblem {
  order: number;
  name: string;
  version: number;
  code: ErrorCode;
  message: string;
}

/** Items per batch: large enough that posting costs nothing per item, small enough to start early. */
export const PAIR_BATCH = 256;
/**
 * Batches that can wait for the worker: while its thread starts, this one
 * queues up to SLOTS × PAIR_BATCH pairs instead of proving them itself, and
 * the worker catches up once running (at the end, the ones it has not
 * started are taken back). Eight made V8 grow the main thread's heap from
 * 27 to 42 MiB in a 100,000-key export (peak RSS 155 to 183 MiB); four did not.
 */
const SLOTS = 4;
const STORED_PUBLIC = 'stored public key does not match the private key';
const STORED_FINGERPRINT = 'stored fingerprint does not match the key material';

/** The verdict on one pair, from its recomputed public key (null: the secret is no valid private key). */
function verdict(row: PairRow, p256: P256Points | null, x25519: Uint8Array | null): OrderedProblem | null {
  const problem = (message: string): OrderedProblem => ({ order: row.order, name: row.name, version: row.version, code: 'KEY_RECORD_TAMPERED', message });
  if (row.algorithm === 'p256') {
    if (!p256 || !row.publicKey || !equalBytes(p256.compressed, row.publicKey)) return problem(STORED_PUBLIC);
    return fingerprint('p256-spki', p256.spki) === row.fingerprint ? null : problem(STORED_FINGERPRINT);
  }
  if (!x25519 || !row.publicKey || !equalBytes(x25519, row.publicKey)) return problem(STORED_PUBLIC);
  return materialFingerprint(row.algorithm, new Uint8Array(0), row.publicKey) === row.fingerprint ? null : problem(STORED_FINGERPRINT);
}

/** This thread's way to the same public keys (as check did before batches). */
function proveHere(row: PairRow, secret: Uint8Array): OrderedProblem | null {
  try {
    return row.algorithm === 'p256' ? verdict(row, p256Points(secret), null) : verdict(row, null, x25519PublicKey(secret));
  } catch (error) {
    if (error instanceof RangeError) return verdict(row, null, null);
    throw error;
  }
}

interface Batch {
  slot: Slot;
  rows: PairRow[];
}

export class PairProofs {
  readonly problems: OrderedProblem[] = [];
  /** Batches whose public keys the second thread computed (for tests and benches: the split is not fixed). */
  workerBatches = 0;
  private readonly worker: SyncWorker | null;
  private batch: Batch | null = null;
  /** Posted batches, oldest first. */
  private readonly posted: Batch[] = [];

  /**
   * `useWorker` false: every proof in this thread (a one-core machine, or a
   * test of this path). `takeBack` false: at the end, wait for every posted
   * batch instead of doing the unstarted ones here (tests of the worker's answers).
   */
  constructor(
    useWorker: boolean,
    private readonly takeBack = true,
  ) {
    this.worker = useWorker ? new SyncWorker(publicKeyScript(PAIR_BATCH), publicKeySlotBytes(PAIR_BATCH), undefined, SLOTS) : null;
  }

  /** Proves `row`'s pair from `secret` now or later; the caller may wipe `secret` once this returns. */
  add(row: PairRow, secret: Uint8Array): void {
    if (row.algorithm !== 'p256' && row.algorithm !== 'x25519') throw new RangeError('a symmetric key has no pair to prove');
    if (!this.batch) {
      // The thread starts at the first pair, not the first full batch, so its start overlaps the pass; a
      // pass with no pairs (symmetric, destroyed or public-only versions only) never starts it.
      this.worker?.warm();
      const slot = this.worker?.free() ?? this.collectOldest();
      if (!slot) {
        this.record(proveHere(row, secret));
        return;
      }
      this.batch = { slot, rows: [] };
    }
    const { slot, rows } = this.batch;
    // A secret of another length is no valid key: proven here, where its problem is named.
    if (secret.length !== 32) {
      this.record(proveHere(row, secret));
      return;
    }
    writeInput(slot.bytes, rows.length, row.algorithm, secret);
    rows.push(row);
    if (rows.length === PAIR_BATCH) this.send();
  }

  /** Every pair proven; the problems found, in no particular order (the caller sorts by `order`). */
  finish(): OrderedProblem[] {
    if (this.batch) this.send();
    // Batches still queued behind the worker's current one are done here rather than waited for.
    for (const batch of [...this.posted].reverse()) {
      if (!this.takeBack || !this.worker?.reclaim(batch.slot)) break;
      this.posted.pop();
      this.proveSlotHere(batch);
    }
    while (this.posted.length > 0) this.collect(this.posted.shift() as Batch);
    this.worker?.close();
    return this.problems;
  }

  /** Stops without proving what is pending (the pass failed); wipes the secrets held. */
  abandon(): void {
    this.worker?.close();
  }

  private send(): void {
    const batch = this.batch as Batch;
    this.batch = null;
    if (!this.worker) return this.proveSlotHere(batch);
    this.worker.post(batch.slot, batch.rows.length);
    this.posted.push(batch);
  }

  /** When every slot is out: the oldest batch's answers if the worker has given them (no waiting), freeing its slot. */
  private collectOldest(): Slot | null {
    const oldest = this.posted[0];
    // The worker still busy with the oldest batch: keep going here rather than wait.
    if (!oldest || this.worker?.pending(oldest.slot)) return null;
    this.posted.shift();
    this.collect(oldest);
    return oldest.slot;
  }

  private collect(batch: Batch): void {
    const { slot, rows } = batch;
    if (!this.worker || !this.worker.settled(slot)) {
      this.proveSlotHere(batch);
      return;
    }
    this.workerBatches++;
    rows.forEach((row, i) => {
      const answer = readAnswer(slot.bytes, PAIR_BATCH, i, row.algorithm as PairAlgorithm);
      if (!answer) this.record(proveHere(row, inputSecret(slot.bytes, i)));
      else this.record(answer.algorithm === 'p256' ? verdict(row, answer.points, null) : verdict(row, null, answer.publicKey));
    });
    this.worker.release(slot);
  }

  private proveSlotHere(batch: Batch): void {
    batch.rows.forEach((row, i) => this.record(proveHere(row, inputSecret(batch.slot.bytes, i))));
    if (this.worker) this.worker.release(batch.slot);
    else batch.slot.bytes.fill(0);
  }

  private record(problem: OrderedProblem | null): void {
    if (problem) this.problems.push(problem);
  }
}
