import type { Db } from './sqlite.js';

/**
 * Copies the WAL into the file and truncates it, so a destroyed or replaced
 * record's old sealed bytes leave the file's pages (secure_delete zeroes the
 * freed space) and the WAL. Another connection in the middle of a read or a
 * write (the app, a second custos) keeps SQLite from finishing: after the
 * busy timeout it stops part-way (a `busy` row, not an error) and the old
 * bytes stay, which `oldSealedBytesRemain` then reports until a later
 * checkpoint finishes. It runs after the change was committed, so an error
 * here (I/O, say) does not undo it and is not reported as if it had: it
 * leaves the same flag set.
 */
export class WalCheckpoint {
  /** Set when a checkpoint could not finish; cleared by one that does. */
  private pagesLeft = false;

  /** Whether this checkpoint finished. */
  run(db: Db): boolean {
    try {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy?: unknown }>;
      this.pagesLeft = result?.busy !== 0;
    } catch {
      this.pagesLeft = true;
    }
    return !this.pagesLeft;
  }

  /** Whether the last checkpoint was kept from finishing: old sealed bytes may still be in the file or its WAL. */
  get oldSealedBytesRemain(): boolean {
    return this.pagesLeft;
  }
}
