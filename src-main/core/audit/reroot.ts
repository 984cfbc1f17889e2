import type { Db } from '../keystore/sqlite.js';
import type { AuditKeys } from './keys.js';

const BATCH = 2000;

/**
 * Re-MACs every entry and the head under another audit root (master-key
 * rotation). Hashes, and so the chain and every head written down elsewhere,
 * are unchanged; only the MACs move to the new root. Call inside the
 * rotation's write transaction, after the log was verified under the old
 * root: re-MACing a log that fails verification would launder the tampering,
 * so rotation refuses that first (docs/formats/audit.md). Returns the number of entries.
 */
export function rerootAuditLog(db: Db, keys: AuditKeys): number {
  const page = db.prepare('SELECT seq, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  const update = db.prepare('UPDATE audit_log SET mac = ? WHERE seq = ?');
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = page.all(after, BATCH) as Array<{ seq: number; hash: Uint8Array }>;
    if (rows.length === 0) break;
    for (const row of rows) update.run(keys.entryMac(row.seq, row.hash), row.seq);
    count += rows.length;
    after = rows[rows.length - 1]?.seq ?? after;
  }
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE singleton = 1').get() as { seq: number; hash: Uint8Array } | undefined;
  if (head) db.prepare('UPDATE audit_head SET mac = ? WHERE singleton = 1').run(keys.headMac(head.seq, head.hash));
  return count;
}
