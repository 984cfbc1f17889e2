/**
 * The audit screen's channels through the real handler table, worker and
 * SQLite file: a 100,000-entry log read a page at a time with filters,
 * verified, one entry tampered with in SQL and named; the signed transcript
 * saved as JSON (checked with the core's verifier and the public key) and PDF
 * through the save dialog; a tampered log is never signed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '../../src-main/core/crypto/bytes.js';
import { parseTranscript, verifyTranscript } from '../../src-main/core/audit/transcript.js';
import { FAST_KDF, startHarness } from './harness.js';
import { growAuditLog, tamperEntry } from './auditLogFixture.js';

const PASS = 'correct horse battery staple';
const ENTRIES = 100_000;

describe('audit channels', () => {
  it('pages, filters and verifies a 100,000-entry log, then names the entry tampered with', async () => {
    const h = startHarness();
    const vault = await h.ok('vault:create', { name: 'long', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('vault:lock', {});
    const path = join(h.vaultsDir, 'long.custos.db');
    await growAuditLog(path, PASS, ENTRIES);
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });

    const head = await h.ok('audit:head', {});
    expect(head.entries).toBe(head.seq);
    expect(head.seq).toBeGreaterThanOrEqual(ENTRIES);
    expect(head.authentic).toBe(true);
    expect(head.head).toBe(`${head.seq}:${head.hash.slice(0, 16)}`);
    expect(head.operations).toEqual(expect.arrayContaining(['init', 'key-generate', 'key-rotate', 'unlock']));

    const page = await h.ok('audit:page', { filter: {}, offset: 50_000, limit: 100 });
    expect(page.total).toBe(head.entries);
    expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 50_001 + i));
    expect(page.entries[0]?.details).toContain('client-');

    // Every 1000th fixture entry is the "rare" one: each filter alone finds exactly those (100).
    for (const filter of [{ key: 'rare-svc' }, { actor: 'auditor' }, { from: '2025-01-02', to: '2025-01-02' }]) {
      const found = await h.ok('audit:page', { filter, offset: 0, limit: 500 });
      expect(found.total, JSON.stringify(filter)).toBe(100);
      expect(found.entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 1000));
    }
    const rotates = await h.ok('audit:page', { filter: { operation: 'key-rotate', key: 'rare-svc' }, offset: 0, limit: 500 });
    expect(rotates.entries.every((e) => e.operation === 'key-rotate' && e.details.includes('rare-svc_storage'))).toBe(true);
    expect(rotates.total).toBe(25);
    // LIKE's wildcards are taken literally: "%" matches no key name.
    expect((await h.ok('audit:page', { filter: { key: '%' }, offset: 0, limit: 10 })).total).toBe(0);

    const good = await h.ok('audit:verify', {});
    expect(good).toMatchObject({ ok: true, entries: head.seq, problem: null });

    await h.ok('vault:lock', {});
    tamperEntry(path, 54_321);
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    const bad = await h.ok('audit:verify', {});
    expect(bad.ok).toBe(false);
    expect(bad.problem).toMatchObject({ kind: 'edited', seq: 54_321 });
    expect(bad.problem?.reason).toContain('entry 54321 was changed');
    console.log(`verify ${ENTRIES.toLocaleString('en')} entries: ${good.ms} ms (clean), ${bad.ms} ms (tampered)`);

    // A tampered log is never signed, and nothing is written.
    const out = join(h.dir, 'tampered.json');
    h.saveChoices.push(out);
    expect(await h.call('audit:export', { format: 'json' })).toMatchObject({ ok: false, code: 'AUDIT_TAMPERED' });
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('saves the signed transcript as JSON and PDF where the save dialog says; a cancelled dialog writes nothing', async () => {
    const h = startHarness();
    await h.ok('vault:create', { name: 'short', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });

    h.saveChoices.push(null);
    expect(await h.call('audit:export', { format: 'json' })).toMatchObject({ ok: false, code: 'CANCELLED' });

    const jsonFile = join(h.dir, 'audit.json');
    h.saveChoices.push(jsonFile);
    const saved = await h.ok('audit:export', { format: 'json' });
    expect(saved.file).toBe(jsonFile);
    const transcript = parseTranscript(readFileSync(jsonFile, 'utf8'));
    const verdict = verifyTranscript(transcript, decodeBase64Strict(transcript.publicKey) ?? new Uint8Array(32));
    expect(verdict.ok).toBe(true);
    // The export is itself the newest entry, and the head the response names.
    expect(transcript.entries.at(-1)?.operation).toBe('audit-export');
    expect(saved.head).toBe(`${transcript.head.seq}:${transcript.head.hash.slice(0, 16)}`);
    expect(saved.entries).toBe(transcript.entries.length);
    const head = await h.ok('audit:head', {});
    expect(head.seq).toBe(transcript.head.seq);

    const pdfFile = join(h.dir, 'audit.pdf');
    h.saveChoices.push(pdfFile);
    const pdf = await h.ok('audit:export', { format: 'pdf' });
    expect(pdf.file).toBe(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.entries).toBe(transcript.entries.length + 1);
  }, 120_000);
});
