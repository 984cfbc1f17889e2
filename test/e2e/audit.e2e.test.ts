/**
 * The audit screen (issue 12, "Audit screen"), keyboard only, on a log of
 * 100,000 real entries made through the core: the head as `custos audit head`
 * prints it, a windowed list that holds only what is in view (the end of the
 * log reached with End), filters by key, actor and date, verification, the
 * signed JSON transcript through main's save dialog; then one entry tampered
 * with in SQL is named by verification, shown in the list, and the log is
 * no longer signed. axe clean light and dark, with screenshots.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '../../src-main/core/crypto/bytes.js';
import { parseTranscript, verifyTranscript } from '../../src-main/core/audit/transcript.js';
import { growAuditLog, tamperEntry } from '../ipc/auditLogFixture.js';
import { accessible, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const ENTRIES = 100_000;
const TAMPERED = 77_777;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

/** The focused element as `tag#id:text`, so inputs (no text) are told apart by id. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; textContent: string | null } | null } }).document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id}:${(el.textContent ?? '').trim().slice(0, 40)}` : '';
  });
async function tabTo(page: Page, match: (stop: string) => boolean, max = 80): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    stops.push(now);
    if (match(now)) return;
  }
  throw new Error(`never reached the wanted element; stops: ${stops.join(' | ')}`);
}
const rowsInDom = (page: Page) => page.locator('tr.audit-row').count();
const seqsInDom = (page: Page) => page.locator('tr.audit-row td.c-seq').allInnerTexts();

describe.skipIf(!hasChromium)('the audit screen', () => {
  let app: App;
  let page: Page;
  let path: string;

  beforeAll(async () => {
    app = await launchApp();
    app.h.network.current = { airGapped: true, interfaces: [] };
    const vault = await app.h.ok('vault:create', { name: 'audit-vault', passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } });
    await app.h.ok('vault:lock', {});
    path = join(app.h.vaultsDir, 'audit-vault.custos.db');
    await growAuditLog(path, PASS, ENTRIES);
    await app.h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  }, 120_000);
  afterAll(async () => app?.close());

  it('shows the head and a windowed list of 100,000 entries, reached and scrolled from the keyboard', async () => {
    await tabTo(page, (s) => s.startsWith('a#:Audit log'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const head = await app.h.ok('audit:head', {});
    expect(head.entries).toBeGreaterThanOrEqual(ENTRIES);
    await page.getByTestId('audit-head').getByText(head.head).waitFor();
    await page.getByText(`${head.entries.toLocaleString('en')} entries`, { exact: true }).waitFor();
    await page.locator('tr.audit-row td.c-seq', { hasText: /^1$/ }).waitFor();
    // Only the rows in view and a few either side are in the page, not 100,000.
    expect(await rowsInDom(page)).toBeLessThan(80);
    await accessible(page, 'audit-log');

    await tabTo(page, (s) => s.startsWith('div#:'));
    await page.keyboard.press('End');
    await page.locator('tr.audit-row td.c-seq', { hasText: new RegExp(`^${head.entries}$`) }).waitFor();
    expect(await rowsInDom(page)).toBeLessThan(80);
    const seqs = (await seqsInDom(page)).map(Number);
    expect(Math.max(...seqs)).toBe(head.entries);
    expect(Math.min(...seqs)).toBeGreaterThan(head.entries - 80);
    await shot(page, 'audit-log-end');
  }, 120_000);

  it('filters by key, actor and date, from the keyboard', async () => {
    await tabTo(page, (s) => s.startsWith('input#audit-key'));
    await page.keyboard.type('rare-svc');
    await page.keyboard.press('Enter');
    await page.getByText('100 entries match the filters').waitFor();
    expect((await seqsInDom(page)).slice(0, 3)).toEqual(['1000', '2000', '3000']);
    await accessible(page, 'audit-filtered');

    await tabTo(page, (s) => s.startsWith('button#:Clear filters'));
    await page.keyboard.press('Enter');
    await page.getByText(/^100,0\d\d entries$/).waitFor();
    await tabTo(page, (s) => s.startsWith('input#audit-actor'));
    await page.keyboard.type('auditor');
    await tabTo(page, (s) => s.startsWith('input#audit-from'));
    await page.keyboard.type('01022025');
    await tabTo(page, (s) => s.startsWith('input#audit-to'));
    await page.keyboard.type('01022025');
    await page.keyboard.press('Enter');
    await page.getByText('100 entries match the filters').waitFor();
    await tabTo(page, (s) => s.startsWith('button#:Clear filters'));
    await page.keyboard.press('Enter');
    await page.getByText(/^100,0\d\d entries$/).waitFor();
  }, 120_000);

  it('verifies the log and saves the signed JSON transcript where the save dialog says', async () => {
    await tabTo(page, (s) => s.startsWith('button#:Verify the log'));
    await page.keyboard.press('Enter');
    await page.getByTestId('audit-verdict').filter({ hasText: /The log verifies: 100,0\d\d entries/ }).waitFor({ timeout: 60_000 });

    const file = join(app.h.dir, 'audit-transcript.json');
    app.h.saveChoices.push(file);
    await tabTo(page, (s) => s.startsWith('button#:Save signed transcript (JSON)'));
    await page.keyboard.press('Enter');
    await page.getByText(/^Saved the signed transcript \(JSON/).waitFor({ timeout: 60_000 });
    const transcript = parseTranscript(readFileSync(file, 'utf8'));
    expect(transcript.entries.length).toBeGreaterThan(ENTRIES);
    expect(verifyTranscript(transcript, decodeBase64Strict(transcript.publicKey) ?? new Uint8Array(32)).ok).toBe(true);
    // The head on screen moved to the export's own entry.
    await page.getByTestId('audit-head').getByText(`${transcript.head.seq}:${transcript.head.hash.slice(0, 16)}`).waitFor();
    await accessible(page, 'audit-verified');
  }, 120_000);

  it('names the entry tampered with in SQL, shows it in the list, and no longer signs the log', async () => {
    tamperEntry(path, TAMPERED);
    await tabTo(page, (s) => s.startsWith('button#:Verify the log'));
    await page.keyboard.press('Enter');
    const verdict = page.getByTestId('audit-verdict');
    await verdict.getByText(`The log fails verification at entry ${TAMPERED}`).waitFor({ timeout: 60_000 });
    expect(await verdict.innerText()).toContain(`entry ${TAMPERED} was changed`);
    await tabTo(page, (s) => s.startsWith(`button#:Show entry ${TAMPERED}`));
    await page.keyboard.press('Enter');
    const bad = page.locator('tr.audit-bad');
    await bad.waitFor();
    expect(await bad.locator('td.c-seq').innerText()).toBe(String(TAMPERED));
    expect(await bad.locator('td.c-out').innerText()).toBe('denied');
    await accessible(page, 'audit-tampered');

    const file = join(app.h.dir, 'tampered.json');
    app.h.saveChoices.push(file);
    await tabTo(page, (s) => s.startsWith('button#:Save signed transcript (JSON)'));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText(/AUDIT_TAMPERED/).waitFor();
    expect(existsSync(file)).toBe(false);
  }, 120_000);
});
