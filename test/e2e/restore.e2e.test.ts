/**
 * The restore wizard end to end (issue 12, "Done when"): on a second, empty
 * vault folder, three sheets printed by a ceremony (`paper split` PDFs, read
 * as a person reads paper: pdftoppm, pdftotext) restore the master key: one
 * typed with a deliberate wrong word that is flagged and corrected, two held
 * to Chromium's fake camera. The bundle is imported and the keys equal the
 * source's; a drill passes and its report is in the audit log; a drill with a
 * tampered bundle fails with the reason and leaves no scratch vault.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, initVault, json } from '../cli/fixtures.js';
import { readSheets, type PrintedSheet } from './ceremonySheets.js';
import { accessible, CHROMIUM, launchApp, shot, type App } from './harness.js';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
const field = (text: string, label: string, pattern: string) => new RegExp(`${label}\\s+(${pattern})`).exec(text)?.[1] ?? '';

describe.skipIf(!hasChromium)('restore from shares in the browser', () => {
  let app: App;
  let page: Page;
  // The suite's own folder: tempDir() folders go after the first test, and the camera reads its video later.
  let suite = '';
  let source: Array<{ name: string; version: number; fingerprint: string }> = [];
  let sheets: PrintedSheet[] = [];
  const out: Record<string, string> = {};

  beforeAll(async () => {
    suite = mkdtempSync(join(tmpdir(), 'custos-restore-e2e-'));
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
    const sheetDir = join(suite, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '3', '--shares', '3', '--custodian', 'Ana Lima', '--custodian', 'Ben Okafor', '--custodian', 'Chen Wu', '--out', sheetDir, '--allow-same-disk', '--chromium', CHROMIUM]));
    Object.assign(out, { bundle: join(suite, 'keys.bundle'), accessKeys: join(suite, 'keys.access.json'), tampered: join(suite, 'tampered.bundle') });
    expectOk(await v.run(['export', '--all', '--private-keys', '--bundle', out['bundle']!, '--access-keys', out['accessKeys']!]));
    copyFileSync(out['bundle']!, out['tampered']!);
    const bytes = readFileSync(out['tampered']!);
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 1;
    writeFileSync(out['tampered']!, bytes);
    source = json<typeof source>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])));
    const work = join(suite, 'work');
    mkdirSync(work, { recursive: true });
    sheets = readSheets(sheetDir, work);
    expect(sheets).toHaveLength(3);
    app = await launchApp();
    page = await app.newPage();
  }, 150_000);
  afterAll(async () => {
    await app?.close();
    if (suite) rmSync(suite, { recursive: true, force: true });
  });

  it('opens from Welcome with no vault; a typed share with a wrong word is flagged at its position, corrected, and counted', async () => {
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Welcome to Custos', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Restore from shares' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Restore from shares', level: 1 }).waitFor();
    await accessible(page, 'restore-1-start');
    const words = sheets[0]!.words.split(' ');
    const wrong = [...words];
    wrong[2] = 'qqqqz';
    await page.getByLabel('Words of share 1, in order').focus();
    await page.keyboard.type(`${wrong.slice(0, 6).join(' ')} `);
    const flagged = page.getByTestId('wrong-word');
    await flagged.waitFor();
    expect(await flagged.innerText()).toBe('Word 3 ("qqqqz") is not in the SLIP-0039 word list.');
    expect(await page.getByRole('button', { name: 'Check this share' }).isDisabled()).toBe(true);
    await shot(page, 'restore-2-wrong-word');
    // Only the wrong share is typed again: all of it, correctly this time (four letters a word are enough).
    await page.keyboard.press('Control+A');
    await page.keyboard.type(words.map((w) => w.slice(0, 4)).join(' '));
    expect(await flagged.count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.getByText('1 of 3 shares, 2 more needed').waitFor();
    expect(await page.getByRole('list', { name: 'Shares in' }).innerText()).toContain('typed share 1: share 1 of group 1');
    await accessible(page, 'restore-3-one-share');
  }, 120_000);

  it('two sheets held to the fake camera are counted', async () => {
    // One browser whose fake camera plays camera.y4m: Chromium opens the file afresh at each capture, so
    // holding up the next sheet is replacing the file (atomically) and starting the camera again.
    const file = join(suite, 'work', 'camera.y4m');
    copyFileSync(sheets[1]!.y4m, file);
    const extra = await app.launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`]);
    try {
      const cam = await extra.newPage({ permissions: ['camera'] });
      await cam.goto(`${app.origin}/#/restore`);
      await cam.getByRole('heading', { name: 'Restore from shares', level: 1 }).waitFor();
      for (const [i, expected] of ['2 of 3 shares, 1 more needed', '3 of 3 shares, complete'].entries()) {
        copyFileSync(sheets[i + 1]!.y4m, `${file}.next`);
        renameSync(`${file}.next`, file);
        let read = false;
        // A loaded machine may miss a frame: stop and start the camera again, as a person would.
        for (let attempt = 1; attempt <= 3 && !read; attempt++) {
          if (await cam.getByRole('button', { name: 'Stop the camera' }).isVisible()) await cam.getByRole('button', { name: 'Stop the camera' }).click();
          await cam.getByRole('button', { name: 'Start the camera' }).click();
          read = await cam.getByText(expected).waitFor({ timeout: 25_000 }).then(() => true, () => false);
          if (!read) await shot(cam, `restore-4-camera-sheet-${i + 2}-failed-${attempt}`);
        }
        expect(read, `sheet ${i + 2} read by the camera`).toBe(true);
        await shot(cam, `restore-4-camera-sheet-${i + 2}`);
      }
    } finally {
      await extra.close();
    }
    const state = await app.h.ok('restore:state', {});
    expect(state.shares.map((s) => s.source)).toEqual(['typed share 1', 'camera share 1', 'camera share 2']);
    await page.reload();
    await page.getByText('Enough shares to restore the master key.').waitFor();
  }, 150_000);

  it('the values the sheets print are compared with the recovered key; the bundle is chosen in main', async () => {
    const text = sheets[0]!.text;
    const claims = { vault: field(text, 'Fingerprint', '[0-9a-f-]{19}'), ceremony: field(text, 'Ceremony', '\\d+'), check: field(text, 'Key check', '[0-9a-f-]{19}'), head: field(text, 'Audit head', '\\d+:[0-9a-f]{16}') };
    expect(claims.head).not.toBe('');
    // From the keyboard: the four fields in reading order, Enter sends the form.
    await page.getByLabel('Fingerprint').focus();
    // The share passphrase field stays empty: these shares were made without one.
    for (const value of [claims.vault, claims.ceremony, '0000-0000-0000-0000', claims.head, '']) {
      await page.keyboard.type(value);
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Compare with the shares');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('key check: the sheets print 0000-0000-0000-0000');
    await shot(page, 'restore-5-key-check-differs');
    await page.getByLabel('Key check').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(claims.check);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('compared').innerText()).toContain(`vault ${claims.vault}, ceremony ${claims.ceremony}`);
    app.h.fileChoices.push(out['bundle']!, out['accessKeys']!);
    await page.getByRole('button', { name: 'Choose the bundle and its access keys…' }).press('Enter');
    expect(await page.getByTestId('bundle').innerText()).toContain(`${claims.vault}`);
    await accessible(page, 'restore-6-bundle');
  }, 60_000);

  it('a new vault on the recovered key, the bundle imported: keys equal the source by fingerprint, sheets genuine, head found', async () => {
    await page.getByLabel('New vault name').focus();
    for (const value of ['restored', 'restore host passphrase', 'restore host passphrase']) {
      await page.keyboard.type(value);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('progressbar').first().waitFor({ timeout: 20_000 }).catch(() => undefined);
    await shot(page, 'restore-7-creating');
    // argon2id is calibrated to this machine at 256 MiB, as for any vault the app makes: slow on a loaded host.
    await page.getByText('Vault restored.custos.db was created').waitFor({ timeout: 240_000 });
    await page.getByRole('button', { name: 'Import the bundle' }).press('Enter');
    const summary = page.getByText(/keys \(\d+ versions\) equal to the bundle's manifest/).first();
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.innerText()).toContain(`${source.length} of ${source.length} keys`);
    const restored = (await app.h.ok('keys:list', { allVersions: true })).keys;
    const key = (k: { name: string; version: number; fingerprint: string }) => `${k.name}#${k.version}#${k.fingerprint}`;
    expect(restored.map(key).sort()).toEqual(source.map(key).sort());
    const sheetsChecked = await page.getByRole('list', { name: 'Sheets checked (restore)' }).innerText();
    expect(sheetsChecked.match(/: genuine, custodian/g)).toHaveLength(3);
    for (const name of ['Ana Lima', 'Ben Okafor', 'Chen Wu']) expect(sheetsChecked).toContain(name);
    expect(await page.getByText(/^Audit head found: /).innerText()).toContain('history imported from vault');
    await accessible(page, 'restore-7-restored');
  }, 400_000);

  it('a drill passes and its report is in the audit log; a drill with a tampered bundle fails with the reason and leaves no scratch vault', async () => {
    await page.getByRole('button', { name: 'Run a restore drill' }).press('Enter');
    const verdict = page.getByTestId('drill-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.innerText()).toContain('Restore drill passed');
    expect(await page.getByTestId('drill-logged').innerText()).toContain('recorded in the audit log of vault restored');
    const scratch = /Scratch vault (\S+): deleted/.exec(await page.getByTestId('drill-scratch').innerText())?.[1] ?? '';
    expect(scratch).not.toBe('');
    expect(existsSync(scratch)).toBe(false);
    const log = await app.h.ok('audit:page', { filter: { operation: 'paper-restore' }, offset: 0, limit: 10 });
    expect(log.entries.at(-1)).toMatchObject({ outcome: 'ok' });
    expect(log.entries.at(-1)?.details).toContain('drill');
    await accessible(page, 'restore-8-drill-passed');

    app.h.fileChoices.push(out['tampered']!, out['accessKeys']!);
    await page.getByRole('button', { name: 'Choose the bundle and its access keys…' }).press('Enter');
    await page.getByTestId('bundle').getByText('tampered.bundle').waitFor();
    await page.getByRole('button', { name: 'Run a restore drill' }).press('Enter');
    await page.getByText('Restore drill FAILED').waitFor({ timeout: 60_000 });
    const checks = await page.getByRole('list', { name: 'Drill checks' }).innerText();
    expect(checks).toMatch(/Bundle imported into the scratch vault: FAIL\. BUNDLE_TAMPERED: /);
    const failedScratch = /Scratch vault (\S+): deleted/.exec(await page.getByTestId('drill-scratch').innerText())?.[1] ?? '';
    expect(failedScratch).not.toBe('');
    expect(existsSync(failedScratch)).toBe(false);
    const after = await app.h.ok('audit:page', { filter: { operation: 'paper-restore' }, offset: 0, limit: 10 });
    expect(after.entries.at(-1)?.outcome).toBe('drill-failed');
    await accessible(page, 'restore-9-drill-failed');
  }, 120_000);
});
