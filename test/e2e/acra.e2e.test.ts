/**
 * The Backups screen's Acra keystore section in Chromium: one client id and
 * the global keys exported with a new Acra master key to the folders main's
 * dialogs chose; the result names the folder and the key's file (never the
 * key), and the files are there. axe clean light and dark.
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
    const keyFile = join(keyDir, readdirSync(keyDir)[0] ?? '');
    await expect.poll(() => result.textContent()).toContain(keyFile);
    expect(await result.textContent()).toContain(out);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['billing-svc_storage', 'billing-svc_storage.pub', 'secure_log_key']));
    // The page shows where the key is, never the key.
    expect(await page.content()).not.toContain(readFileSync(keyFile, 'latin1').trim());
    await accessible(page, 'backups-acra-exported');
  }, 120_000);
});
