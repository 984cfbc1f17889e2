import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyHead } from '../../../src-main/core/audit/headCheck.js';
import { ENTRY_BUDGET, type HistoryDocument } from '../../../src-main/core/audit/historyDocument.js';
import { auditHistoryForBundle, storeImportedHistory } from '../../../src-main/core/audit/importedHistory.js';
import { auditHead, parseHead } from '../../../src-main/core/audit/report.js';
import { createKeystore } from '../../../src-main/core/keystore/create.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { expectCode, withOpen } from '../bundle/helpers.js';
import { entriesOf, sql } from '../../helpers/audit.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';

const SOURCE = { bundleId: 'b-0001', pairFingerprint: 'aaaa-bbbb-cccc-dddd' };

/** A second keystore (the restore host's), with the given master key. */
async function restoreHost(masterKey: Uint8Array): Promise<TestVault> {
  const path = join(tempDir(), 'vault', 'custos.db');
  await createKeystore(path, { masterKey: new Uint8Array(masterKey) });
  return { dir: path, path, masterKey, open: () => openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }) };
}

/** Source A with a head "printed" midway (as paper split does) and entries after it; its history as a bundle carries it. */
async function source(): Promise<{ a: TestVault; printed: string; history: string; headAtExport: number }> {
  const a = await makeVault();
  await withOpen(a, (ks) => ks.generate([{ scope: 'client', clientId: 'orders' }]));
  const printed = (await withOpen(a, (ks) => auditHead(ks))).head;
  await withOpen(a, (ks) => ks.rotate('orders_storage'));
  const history = await withOpen(a, (ks) => ks.internal('read', (ctx) => auditHistoryForBundle(ctx)));
  if (history === null) throw new Error('no history');
  return { a, printed, history, headAtExport: (JSON.parse(history) as HistoryDocument).head.seq };
}

const store = (b: TestVault, json: string) => withOpen(b, (ks) => ks.internal('write', (ctx) => storeImportedHistory(ctx, json, SOURCE)));
const check = (b: TestVault, head: string) => withOpen(b, (ks) => verifyHead(ks, parseHead(head)));

describe('audit history carried by a bundle', () => {
  it('a head printed on the source is confirmed on a restore host with the same master key, with the entries after it', async () => {
    const { a, printed, history, headAtExport } = await source();
    const b = await restoreHost(a.masterKey);
    // Before the history is imported, B knows nothing of A's head: today's verdict.
    const before = await check(b, printed);
    expect(before.ok).toBe(false);
    expect(before.problem?.kind).toMatch(/forked|truncated/);

    await store(b, history);
    const verdict = await check(b, printed);
    expect(verdict).toMatchObject({ ok: true, headIn: 'imported', problem: null });
    const seq = Number(printed.split(':')[0]);
    expect(verdict.imported).toMatchObject({ seq, entriesAfter: headAtExport - seq, history: { verified: true, pairFingerprint: SOURCE.pairFingerprint, bundleId: SOURCE.bundleId, headSeq: headAtExport } });
    expect(verdict.imported?.hash.startsWith(printed.split(':')[1] ?? 'x')).toBe(true);
    // B's own log is intact, and records the import with the document's digest.
    const own = (await entriesOf(b.path, b.masterKey)).at(-1);
    expect(own).toMatchObject({ operation: 'audit-history-import', subject: { verified: true, problem: null, bundleId: SOURCE.bundleId, documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // A head B's own log holds is still its own.
    const bHead = (await withOpen(b, (ks) => auditHead(ks))).head;
    expect(await check(b, bHead)).toMatchObject({ ok: true, headIn: 'own' });
  });

  it('a made-up head fails naming both histories, not "forked"', async () => {
    const { a, printed, history } = await source();
    const b = await restoreHost(a.masterKey);
    await store(b, history);
    const verdict = await check(b, '1:0123456789abcdef'); // entry 1 exists in both logs, with another hash
    expect(verdict.ok).toBe(false);
    expect(verdict.problem?.kind).toBe('head-unknown');
    expect(verdict.problem?.reason).toContain("this keystore's own log");
    expect(verdict.problem?.reason).toContain(`vault ${JSON.parse(history).vaultFingerprint as string}`);
    const beyond = await check(b, `999:${printed.split(':')[1] ?? ''}`);
    expect(beyond.problem?.kind).toBe('head-unknown');
    expect(beyond.problem?.reason).toContain('older copy of itself');
    expect(verdict.problem?.reason).not.toContain('older copy');
  });

  it('under another master key the history is kept unverified and never confirms a head', async () => {
    const { printed, history } = await source();
    const c = await restoreHost(generateMasterKey());
    await store(c, history);
    const verdict = await check(c, printed);
    expect(verdict.ok).toBe(false);
    expect(verdict.problem?.kind).toBe('head-unverified');
    expect(verdict.problem?.reason).toContain('another master key');
    expect(verdict.imported?.history.verified).toBe(false);
    expect((await entriesOf(c.path, c.masterKey)).at(-1)?.subject).toMatchObject({ verified: false });
  });

  it('an edited history is marked unverified; an edited stored copy stops confirming', async () => {
    const { a, printed, history } = await source();
    const doc = JSON.parse(history) as HistoryDocument;
    (doc.entries[0] as { actor: string | null }).actor = 'Mallory';
    const b = await restoreHost(a.masterKey);
    await store(b, JSON.stringify(doc));
    const edited = await check(b, printed);
    expect(edited).toMatchObject({ ok: false, problem: { kind: 'head-unverified' } });
    expect(edited.imported?.history.problem).toMatch(/does not fit the chain/);
    expect((await entriesOf(b.path, b.masterKey)).at(-1)?.subject).toMatchObject({ verified: false, problem: expect.stringMatching(/does not fit the chain/) });

    const b2 = await restoreHost(a.masterKey);
    await store(b2, history);
    expect((await check(b2, printed)).ok).toBe(true);
    // An attacker with the file swaps the stored document for the edited one.
    sql(b2.path, `UPDATE imported_audit_history SET document = '${JSON.stringify(doc).replace(/'/g, "''")}'`);
    const after = await check(b2, printed);
    expect(after).toMatchObject({ ok: false, problem: { kind: 'head-unverified' } });
    expect(after.imported?.history.problem).toContain('changed after it was imported');
  });

  it('a malformed history refuses the import (BUNDLE_MALFORMED) and leaves the keystore as it was', async () => {
    const { a, history } = await source();
    const b = await restoreHost(a.masterKey);
    const doc = JSON.parse(history) as HistoryDocument;
    doc.earlier = 'AAAA';
    for (const bad of ['not json', JSON.stringify({ ...doc }), JSON.stringify({ ...JSON.parse(history), format: 'x' })]) {
      await expectCode(() => store(b, bad), 'BUNDLE_MALFORMED');
    }
    const db = new Database(b.path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM imported_audit_history').get()).toEqual({ n: 0 });
    db.close();
    expect((await entriesOf(b.path, b.masterKey)).at(-1)?.operation).toBe('init');
  });

  it('a long log travels bounded: old entries as hash prefixes, still matched on 16 hex digits', async () => {
    const a = await makeVault();
    const printed = (await withOpen(a, (ks) => auditHead(ks))).head; // seq 1, the init entry
    const pad = 'x'.repeat(100_000);
    await withOpen(a, (ks) => ks.internal('write', (ctx) => {
      for (let i = 0; i < 14; i++) ctx.audit.append({ operation: 'audit-export', subject: { pad } });
    }));
    const history = await withOpen(a, (ks) => ks.internal('read', (ctx) => auditHistoryForBundle(ctx) ?? ''));
    const doc = JSON.parse(history) as HistoryDocument;
    expect(history.length).toBeLessThan(ENTRY_BUDGET + 50_000);
    expect(doc.anchor.seq).toBeGreaterThan(1);
    expect(doc.anchor.seq + doc.entries.length).toBe(doc.head.seq);
    const b = await restoreHost(a.masterKey);
    await store(b, history);
    expect(await check(b, printed)).toMatchObject({ ok: true, headIn: 'imported', imported: { seq: 1, comparedDigits: 16 } });
    const full = `${printed}${'0'.repeat(48)}`; // 64 digits given, only 16 known: compared on 16
    expect((await check(b, full)).ok).toBe(true);
    expect((await check(b, '1:ffffffffffffffff')).problem?.kind).toBe('head-unknown');
  });

  it('a log that fails verification is not signed into a bundle (AUDIT_TAMPERED)', async () => {
    const a = await makeVault();
    await withOpen(a, (ks) => ks.generate([{ scope: 'client', clientId: 'orders' }]));
    sql(a.path, "UPDATE audit_log SET actor = 'Mallory' WHERE seq = 1");
    await expectCode(() => withOpen(a, (ks) => ks.internal('read', (ctx) => auditHistoryForBundle(ctx))), 'AUDIT_TAMPERED');
  });
});
