/**
 * Builds long audit logs fast for the audit screen's tests: entries appended
 * through the core's own AuditLog in one transaction (as test/bench/audit.bench.ts
 * does), so they are real, MACed entries; and one entry edited with plain SQL,
 * the way someone with the file but not the keys would tamper with it.
 */
import { newDatabase } from '../../src-main/core/keystore/sqlite.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';

const OPERATIONS = ['key-generate', 'key-rotate', 'key-disable', 'key-enable'] as const;

/**
 * Appends entries until the log holds `total`. Every 1000th entry is dated
 * 2025-01-02 and names the key `rare-svc_storage` with actor `auditor`, so
 * filters have something narrow to find (a quarter of them are key-rotate).
 */
export async function growAuditLog(path: string, passphrase: string, total: number): Promise<void> {
  const ks = await openKeystore(path, { kind: 'passphrase', passphrase }, { actor: 'fixture' });
  try {
    ks.internal('write', (ctx) => {
      // The next seq is read from the head each time: the first append of a session may add a session entry first.
      for (let seq = (ctx.audit.log.head()?.seq ?? 0) + 1; seq <= total; seq = (ctx.audit.log.head()?.seq ?? 0) + 1) {
        const rare = seq % 1000 === 0;
        const name = rare ? 'rare-svc_storage' : `client-${String(seq % 500).padStart(5, '0')}_storage`;
        ctx.audit.append(
          {
            operation: OPERATIONS[(rare ? seq / 1000 : seq) % OPERATIONS.length] ?? 'key-generate',
            at: rare ? '2025-01-02T10:00:00.000Z' : '2025-01-01T10:00:00.000Z',
            actor: rare ? 'auditor' : 'fixture',
            subject: { keys: [{ name, version: 1, fingerprint: '0123456789abcdef0123456789abcdef' }] },
          },
        );
      }
    });
  } finally {
    ks.close();
  }
}

/** Changes one entry's outcome in the file: its hash and MAC no longer match. */
export function tamperEntry(path: string, seq: number): void {
  const db = newDatabase(path);
  try {
    const changed = db.prepare("UPDATE audit_log SET outcome = 'denied' WHERE seq = ?").run(seq).changes;
    if (changed !== 1) throw new Error(`no audit entry ${seq} to tamper with`);
  } finally {
    db.close();
  }
}
