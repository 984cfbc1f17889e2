/**
 * The Backups screen (issue 12, "Backups screen"), keyboard only but for the
 * drop itself: a selection (one client id, with private keys) exported to two
 * folders main's dialogs chose; in a second vault holding a key of the same
 * name, the bundle dropped on the window opens in main's dialog (the drop
 * only says where it starts), is inspected (pair fingerprint, counts, source
 * vault) before the access keys are asked for, verified with the conflict
 * named, and imported with Replace: the key's fingerprint is then the
 * source's. axe clean light and dark, with screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKeys, clientId } from '../ipc/backupsFixture.js';
import { accessible, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const KDF = { memoryMiB: 8, passes: 1 } as const;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null } | null } }).document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id}[${el.getAttribute('value') ?? ''}]:${(el.textContent ?? '').trim().slice(0, 40)}` : '';
  });
async function tabTo(page: Page, match: (stop: string) => boolean, max = 60): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    stops.push(now);
    if (match(now)) return;
  }
  throw new Error(`never reached the wanted element; stops: ${stops.join(' | ')}`);
}

async function openBackups(page: Page): Promise<void> {
  await tabTo(page, (s) => s.startsWith('a#[]:Backups'));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
}

describe.skipIf(!hasChromium)('the Backups screen', () => {
  let app: App;
  let page: Page;
  let stick: string;
  const vaults: Record<'source' | 'target', { id: string; path: string }> = { source: { id: '', path: '' }, target: { id: '', path: '' } };
  const picked = `${clientId(2)}_storage_sym`;
  let sourceFingerprint = '';
  let bundle = '';
  let accessKeys = '';

  beforeAll(async () => {
    app = await launchApp();
    stick = mkdtempSync(join('/dev/shm', 'custos-e2e-backups-'));
    for (const [name, count] of [['source', 20], ['target', 5]] as const) {
      const v = await app.h.ok('vault:create', { name, passphrase: PASS, kdf: KDF });
      const entry = (await app.h.ok('vault:list', {})).vaults.find((e) => e.id === v.id);
      await app.h.ok('vault:lock', {});
      vaults[name] = { id: v.id, path: entry?.path ?? '' };
      // The same names in both vaults, different material: the target's client-000002 key is a conflict.
      await addKeys(vaults[name].path, PASS, count);
    }
    await app.h.ok('vault:unlock', { id: vaults.source.id, passphrase: PASS });
    sourceFingerprint = (await app.h.ok('keys:get', { name: picked })).versions[0]?.fingerprint ?? '';
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    if (stick) rmSync(stick, { recursive: true, force: true });
  });

  it('exports one client id with its private keys to two folders on two devices', async () => {
    await openBackups(page);
    await accessible(page, 'backups');
    // Radio groups: Tab reaches the checked option, arrows choose.
    await tabTo(page, (s) => s.startsWith('input#[all]'));
    await page.keyboard.press('ArrowDown');
    await tabTo(page, (s) => s.startsWith('input#export-client'));
    await page.keyboard.type(clientId(2));
    await tabTo(page, (s) => s.startsWith('input#[false]'));
    await page.keyboard.press('ArrowDown');
    const bundleDir = join(app.h.dir, 'bundle-stick');
    mkdirSync(bundleDir);
    app.h.folderChoices.push({ purpose: 'backup-bundle', path: bundleDir }, { purpose: 'backup-access-keys', path: stick });
    await tabTo(page, (s) => s.startsWith('button#[]:Export'));
    await page.keyboard.press('Enter');
    const result = page.getByTestId('export-result');
    await result.getByText('Exported 1 key').waitFor({ timeout: 60_000 });
    expect(await result.innerText()).toContain('private keys included');
    const texts = await result.locator('dd').allInnerTexts();
    bundle = texts[0] ?? '';
    accessKeys = texts[1] ?? '';
    expect(bundle.startsWith(bundleDir)).toBe(true);
    expect(accessKeys.startsWith(stick)).toBe(true);
    await accessible(page, 'backups-exported');
  }, 120_000);

  it('in a second vault: a dropped bundle is inspected before its access keys, its conflict shown and replaced', async () => {
    await app.h.ok('vault:unlock', { id: vaults.target.id, passphrase: PASS });
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
    await openBackups(page);

    // Chromium has no path for a dropped File; the harness's preload stand-in reads it from here.
    app.h.fileChoices.push(bundle);
    await page.evaluate(([name, path]) => {
      const w = globalThis as unknown as { __custosDroppedPaths: Record<string, string>; DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (b: string[], n: string) => unknown; DragEvent: new (t: string, i: object) => unknown; dispatchEvent(e: unknown): void };
      w.__custosDroppedPaths = { [name]: path };
      const data = new w.DataTransfer();
      data.items.add(new w.File(['bundle'], name));
      for (const type of ['dragover', 'drop']) w.dispatchEvent(new w.DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [basename(bundle), bundle] as const);
    const facts = page.getByTestId('bundle-facts');
    await facts.waitFor();
    expect(app.h.fileRequests.at(-1)).toEqual({ purpose: 'import-bundle', suggested: bundle });
    const text = await facts.innerText();
    expect(text).toMatch(/[0-9a-f]{4}(-[0-9a-f]{4}){3}/);
    expect(text).toContain('1 key, 1 version, private keys included');
    // Nothing asked for the access keys yet: the header is all that was read.
    expect(app.h.fileRequests.filter((r) => r.purpose === 'import-access-keys')).toEqual([]);
    await expect.poll(() => focused(page)).toContain('h3#[]:The bundle');
    await accessible(page, 'backups-inspected');

    app.h.fileChoices.push(accessKeys);
    await tabTo(page, (s) => s.startsWith('button#[]:Choose its access keys'));
    await page.keyboard.press('Enter');
    const conflicts = page.getByTestId('conflicts');
    await conflicts.getByText('1 key exists in this vault already').waitFor({ timeout: 60_000 });
    expect(await conflicts.innerText()).toContain(picked);
    expect(await page.getByTestId('verified').innerText()).toContain('From vault source');
    await accessible(page, 'backups-conflict');

    await tabTo(page, (s) => s.startsWith('input#[fail]'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toContain('[replace]');
    await tabTo(page, (s) => s.startsWith('button#[]:Import'));
    await page.keyboard.press('Enter');
    const done = page.getByTestId('import-result');
    await done.getByText('Imported 1 key').waitFor({ timeout: 60_000 });
    expect(await done.innerText()).toContain('Replaced 1 existing key.');
    await shot(page, 'backups-imported');
    await accessible(page, 'backups-imported');

    const after = await app.h.ok('keys:get', { name: picked });
    expect(after.versions[0]?.fingerprint).toBe(sourceFingerprint);
    // The other keys of the target are its own, untouched.
    expect((await app.h.ok('keys:list', {})).keys).toHaveLength(5);
  }, 180_000);
});
