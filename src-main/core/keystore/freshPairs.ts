import { wipe } from '../crypto/bytes.js';
import { p256Generate, p256Points } from '../crypto/p256Points.js';
import { freshSecret } from '../crypto/randomPool.js';
import { x25519PublicKey, x25519Secret } from '../crypto/x25519.js';
import { publicKeyScript, publicKeySlotBytes, readAnswer, writeInput, type PairAlgorithm } from '../parallel/publicKeyWork.js';
import { SyncWorker, type Slot } from '../parallel/syncWorker.js';

export type { PairAlgorithm };

/** A new key pair: the secret (the caller wipes it), the public key as stored, and a P-256 pair's SPKI for its fingerprint. */
export interface FreshPair {
  secret: Uint8Array;
  publicKey: Uint8Array;
  spki: Uint8Array | null;
}

/** Pairs per batch: a second thread's answer to one takes a few milliseconds, so the first thread never waits long. */
export const FRESH_BATCH = 128;
/** Batches made ahead of the one being taken from. */
const SLOTS = 4;

interface Batch {
  /** Position of the batch's first pair in the plan. */
  start: number;
  algorithms: PairAlgorithm[];
  secrets: Uint8Array[];
  slot: Slot | null;
  made: FreshPair[] | null;
}

/**
 * A pair from `secret`, its public key computed in this thread. A P-256
 * secret that is no private key (0, or not below the group order: about one
 * draw in 2^32) is wiped and replaced by a pair from Node's generator.
 */
export function pairFromSecret(algorithm: PairAlgorithm, secret: Uint8Array): FreshPair {
  if (algorithm === 'x25519') return { secret, publicKey: x25519PublicKey(secret), spki: null };
  try {
    const points = p256Points(secret);
    return { secret, publicKey: points.compressed, spki: points.spki };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    wipe(secret);
    return freshPair('p256');
  }
}

/**
 * One new pair made here, as a generate of few keys or a rotation makes it:
 * P-256 from Node's generator (OpenSSL's), X25519 from a pool scalar.
 */
export function freshPair(algorithm: PairAlgorithm): FreshPair {
  if (algorithm === 'x25519') return pairFromSecret(algorithm, x25519Secret());
  const pair = p256Generate();
  return { secret: pair.secret, publicKey: pair.compressed, spki: pair.spki };
}

/**
 * The key pairs of a large generate, made ahead: their secrets are drawn from
 * the CSPRNG pool here, and their public keys (one scalar multiplication
 * each, about a third of generating an X25519 catalogue) computed in a
 * second thread in batches, while this thread seals and stores the keys
 * before them. A batch the second thread has not started when it is needed
 * (it is still starting, say) is done here instead, so neither thread waits
 * for the other for long; every public key is computed once, from the
 * secret it is stored with. Without the second thread every batch is done
 * here, as generate did before.
 */
export class FreshPairs {
  private readonly worker: SyncWorker | null;
  /** Batches drawn and not yet used up, oldest first. */
  private readonly batches: Batch[] = [];
  /** How many of `algorithms` are in a batch already. */
  private drawn = 0;
  /** How many pairs of the oldest batch were taken. */
  private taken = 0;
  /** Batches whose public keys the second thread computed (for tests: the split is not fixed). */
  workerBatches = 0;

  /**
   * `useWorker` false: every public key in this thread. `takeBack` false:
   * wait for the second thread's answer to every batch posted to it instead
   * of doing the unstarted ones here (tests of its answers).
   */
  constructor(
    private readonly algorithms: readonly PairAlgorithm[],
    useWorker: boolean,
    private readonly takeBack = true,
  ) {
    this.worker = useWorker ? new SyncWorker(publicKeyScript(FRESH_BATCH), publicKeySlotBytes(FRESH_BATCH), undefined, SLOTS) : null;
    this.postAhead();
  }

  /** The next pair, in the order of `algorithms`; the caller owns it and wipes its secret. */
  take(algorithm: PairAlgorithm): FreshPair {
    if (this.batches.length === 0) this.draw(null);
    const batch = this.batches[0] as Batch;
    if (batch.algorithms[this.taken] !== algorithm) throw new Error(`pair ${batch.start + this.taken} was planned as ${String(batch.algorithms[this.taken])}, taken as ${algorithm}`);
    batch.made ??= this.collect(batch);
    const pair = batch.made[this.taken] as FreshPair;
    this.taken++;
    if (this.taken === batch.made.length) {
      this.batches.shift();
      this.taken = 0;
      this.postAhead();
    }
    return pair;
  }

  /** Wipes every secret not taken (a generate that failed part-way) and stops the second thread. */
  close(): void {
    for (const batch of this.batches) {
      const untaken = batch === this.batches[0] ? this.taken : 0;
      (batch.made?.map((p) => p.secret) ?? batch.secrets).slice(untaken).forEach((secret) => wipe(secret));
    }
    this.batches.length = 0;
    this.worker?.close();
  }

  /** Hands the second thread the next batches, as long as it has room for them. */
  private postAhead(): void {
    while (this.worker && this.drawn < this.algorithms.length) {
      const slot = this.worker.free();
      if (!slot) return;
      this.draw(slot);
    }
  }

  /** Draws the next batch's secrets; with a slot, posts them to the second thread. */
  private draw(slot: Slot | null): void {
    const start = this.drawn;
    const algorithms = this.algorithms.slice(start, start + FRESH_BATCH);
    this.drawn += algorithms.length;
    const secrets = algorithms.map((algorithm) => (algorithm === 'x25519' ? x25519Secret() : freshSecret()));
    if (slot && this.worker) {
      secrets.forEach((secret, i) => writeInput(slot.bytes, i, algorithms[i] as PairAlgorithm, secret));
      this.worker.post(slot, algorithms.length);
    }
    this.batches.push({ start, algorithms, secrets, slot, made: null });
  }

  /** The batch's pairs: the second thread's answers, or (not started, failed, or no thread) computed here. */
  private collect(batch: Batch): FreshPair[] {
    const { slot, secrets, algorithms } = batch;
    if (!slot || !this.worker) return secrets.map((secret, i) => pairFromSecret(algorithms[i] as PairAlgorithm, secret));
    // Not started yet: taken back and done here rather than waited for.
    const answered = !(this.takeBack && this.worker.reclaim(slot)) && this.worker.settled(slot);
    if (answered) this.workerBatches++;
    const made = secrets.map((secret, i): FreshPair => {
      const algorithm = algorithms[i] as PairAlgorithm;
      const answer = answered ? readAnswer(slot.bytes, FRESH_BATCH, i, algorithm) : null;
      if (!answer) return pairFromSecret(algorithm, secret);
      return answer.algorithm === 'p256' ? { secret, publicKey: answer.points.compressed, spki: answer.points.spki } : { secret, publicKey: answer.publicKey, spki: null };
    });
    this.worker.release(slot);
    return made;
  }
}
