/**
 * The Backups screen's Acra keystore section in Chromium: one client id and
 * the global keys exported with a new Acra master key to the folders main's
 * dialogs chose; the result names the folder and the key's file (never the
 * key), and the files are there. Then again with the existing key chosen in
 * the panel's master-key choice (the shared AcraMasterKeySource): main asks
 * for that file, not a folder for a new key. axe clean light and dark.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessible, CHROMIUM, launchApp, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('the Backups screen, Acra keystore', () => {
  let app: App;
  let page: Page;
  let keyFile = '';

  beforeAll(async () => {
    app = await launchApp();
    await app.h.ok('vault:create', { name: 'acra-e2e', passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } });
    await app.h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    await app.h.ok('keys:generate', { scope: 'global' });
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('exports to an Acra keystore with a new Acra master key', async () => {
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Acra keystore', level: 2 }).waitFor();
    await accessible(page, 'backups-acra');
    const out = mkdtempSync(join(app.h.dir, 'acrakeys-'));
    const keyDir = mkdtempSync(join(app.h.dir, 'acra-key-'));
    app.h.folderChoices.push({ purpose: 'acra-keystore-out', path: out }, { purpose: 'acra-master-key-out', path: keyDir });
    await page.getByLabel('Client ids', { exact: true }).fill('billing-svc');
    await page.getByLabel('The global keys (poison record, secure log)', { exact: true }).check();
    await page.getByRole('button', { name: 'Export to Acra…' }).click();
    const result = page.getByTestId('acra-export-result');
    await result.waitFor();
    keyFile = join(keyDir, readdirSync(keyDir)[0] ?? '');
    await expect.poll(() => result.textContent()).toContain(keyFile);
    expect(await result.textContent()).toContain(out);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['billing-svc_storage', 'billing-svc_storage.pub', 'secure_log_key']));
    // The page shows where the key is, never the key.
    expect(await page.content()).not.toContain(readFileSync(keyFile, 'latin1').trim());
    await accessible(page, 'backups-acra-exported');
  }, 120_000);

  it('exports again with the existing Acra master key chosen in the panel, saving no new key', async () => {
    const source = page.getByRole('group', { name: 'Acra master key', exact: true });
    expect(await source.getByRole('radio', { name: /Make a new one/ }).isChecked()).toBe(true);
    await source.getByRole('radio', { name: 'Use an existing one from a file I choose' }).check();
    const out = mkdtempSync(join(app.h.dir, 'acrakeys-again-'));
    // Only a file dialog for the key is answered: a request still asking for a new key would open a folder dialog the harness refuses.
    app.h.folderChoices.push({ purpose: 'acra-keystore-out', path: out });
    app.h.fileChoices.push(keyFile);
    await page.getByRole('button', { name: 'Export to Acra…' }).click();
    const result = page.getByTestId('acra-export-result');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain(out);
    expect(await result.textContent()).not.toContain('New Acra master key');
    expect(app.h.fileChoices).toEqual([]);
    expect(app.h.fileRequests.at(-1)?.purpose).toBe('acra-master-key');
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['billing-svc_storage', 'billing-svc_storage.pub', 'secure_log_key']));
  }, 120_000);
});
