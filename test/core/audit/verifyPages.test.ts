import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../../src-main/core/audit/report.js';
import { makeVault } from '../../helpers/keystore.js';

/**
 * `audit verify` reads prev, hash and MAC of each row as one blob in its
 * first pass. A file edited past its CHECK constraints so that the same 96
 * bytes are split differently between the columns (a 31-byte prev and a
 * 33-byte hash) is as tampered as any other edit and must be reported, in a
 * small log and a large one (where the walk also uses a second thread).
 */
async function loggedVault(entries: number) {
  const v = await makeVault();
  const ks = await v.open();
  ks.internal('write', (ctx) => {
    for (let i = 0; i < entries; i++) ctx.audit.append({ operation: 'key-generate', subject: { count: 1, keys: [{ name: `client-${i}_storage`, version: 1, fingerprint: '0123456789abcdef0123456789abcdef' }] } });
  });
  ks.close();
  return v;
}

function resplit(path: string, seq: number): void {
  const db = new Database(path);
  db.pragma('ignore_check_constraints = ON');
  const row = db.prepare('SELECT prev, hash FROM audit_log WHERE seq = ?').get(seq) as { prev: Buffer; hash: Buffer };
  const joined = Buffer.concat([row.prev, row.hash]);
  db.prepare('UPDATE audit_log SET prev = ?, hash = ? WHERE seq = ?').run(joined.subarray(0, 31), joined.subarray(31), seq);
  db.close();
}

describe('audit verify reads the links of a row as one blob', () => {
  for (const [size, seq] of [
    [40, 7],
    [17_000, 9_000],
  ] as const) {
    it(`a row whose prev and hash are re-split between the columns is reported (${size} entries, entry ${seq})`, async () => {
      const v = await loggedVault(size);
      let ks = await v.open();
      expect(verifyAudit(ks).ok).toBe(true);
      ks.close();
      resplit(v.path, seq);
      ks = await v.open();
      const verdict = verifyAudit(ks);
      ks.close();
      expect(verdict.ok).toBe(false);
      expect(verdict.problem?.seq).toBe(seq);
    }, 120_000);
  }
});
