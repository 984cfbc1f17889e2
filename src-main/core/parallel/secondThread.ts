import { availableParallelism } from 'node:os';

/**
 * From here on a bulk pass over keys (`check`, export, import, a large
 * generate) does its pairs' scalar multiplications in a second thread too.
 * Once the thread started with the pass (rather than at its first batch) and
 * no longer loaded the parent's loader flags, quiet 2-core runs had 10,000
 * versions faster with it (export 421 to 426 ms against 453 to 457, import
 * 472 to 473 against 511 to 521; earlier, on a loaded machine, it was slower
 * three times in four). Nothing was measured between 4,096 and 10,000: at
 * 4,096 a thread's start (about 45 ms here) is a small part of the pass.
 */
export const SECOND_THREAD_FROM = 4096;

/** Whether a pass over `items` keys or versions uses a second thread: with more than one core, and enough items that its start pays for itself. */
export function useSecondThread(items: number): boolean {
  return items >= SECOND_THREAD_FROM && availableParallelism() > 1;
}
