/**
 * A key ceremony as a person does it, in real Chromium on the built renderer:
 * create a vault, generate keys for two clients, filter, rotate, copy a public
 * key, disable, destroy behind a typed confirmation, change the idle time,
 * lock, unlock with a wrong and then the right passphrase. Each screen is
 * checked with axe-core in light and dark themes and photographed into
 * test-results/e2e/.
 */
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessible, axeViolations, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

/** The key list's rows (options of the Keys listbox) and one row's state. */
const rows = (page: Page) => page.getByRole('listbox', { name: 'Keys' }).getByRole('option');
const names = (page: Page) => rows(page).locator('.key-name').allInnerTexts();
const stateOf = (page: Page, name: string) => page.locator(`[role="option"][data-key="${name}"] .state`).innerText();
/** Selects a key in the list; its details pane (heading = the key name) holds the actions. */
async function select(page: Page, name: string): Promise<void> {
  await page.locator(`[role="option"][data-key="${name}"]`).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}
const visible = (l: Locator) => l.waitFor({ state: 'visible' });

describe.skipIf(!hasChromium)('the vault app in Chromium', () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await launchApp();
    app.h.network.current = { airGapped: false, interfaces: [{ name: 'eth0', address: '192.0.2.10', family: 'IPv4' }] };
    page = await app.newPage();
  }, 60_000);
  afterAll(async () => app?.close());

  it('welcome: warns that the network is up, and is accessible', async () => {
    await page.goto(`${app.origin}/`);
    await visible(page.getByRole('heading', { name: 'Welcome to Custos' }));
    const banner = page.getByRole('alert').filter({ hasText: 'Not air-gapped' });
    await visible(banner);
    expect(await banner.innerText()).toContain('eth0 192.0.2.10');
    await accessible(page, '01-welcome');
  });

  it('shows the air-gapped state once every interface is down', async () => {
    app.h.network.current = { airGapped: true, interfaces: [] };
    await visible(page.getByRole('status').filter({ hasText: 'Air-gapped: no network interface is up.' }));
    expect(await page.getByText('Not air-gapped').count()).toBe(0);
  });

  it('creates a vault, showing progress while the passphrase KDF runs', async () => {
    await page.getByLabel('Vault name').fill('ceremony');
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('Repeat the passphrase').fill('something else');
    await visible(page.getByText('The two passphrases differ.'));
    expect(await page.getByRole('button', { name: 'Create vault' }).isDisabled()).toBe(true);
    await page.getByLabel('Repeat the passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Create vault' }).click();
    // The app calibrates argon2id to about a second (no test knob): long enough to see the bar.
    await visible(page.locator('progress'));
    await shot(page, '02-creating-progress');
    // Calibration plus the KDF take a few seconds on a quiet machine and far longer on a busy one.
    await page.getByRole('heading', { name: 'Keys' }).waitFor({ state: 'visible', timeout: 150_000 });
    // The side navigation names the open vault, its fingerprint and its lock state.
    expect(await page.getByTestId('vault-name').innerText()).toBe('ceremony');
    expect(await page.getByTestId('vault-fingerprint').innerText()).toBe((await app.h.ok('app:status', {})).unlocked?.vaultFingerprint);
    expect(await page.getByTestId('lock-state').innerText()).toBe('Unlocked');
    expect(await page.locator('progress').count()).toBe(0);
  }, 180_000);

  it('generates the catalogue for two clients', async () => {
    await page.getByLabel('Client id').fill('billing-svc');
    await page.getByRole('button', { name: 'Generate keys' }).click();
    await visible(page.getByText('Generated 6 keys: billing-svc, billing-svc_server'));
    await page.getByLabel('Client id').fill('report-svc');
    await page.getByLabel('Client id').press('Enter');
    await visible(page.getByText('Generated 6 keys: report-svc, report-svc_server'));
    await visible(page.getByText('Showing 12 of 12 keys'));
    expect(await rows(page).count()).toBe(12);
    await page.getByLabel('Client id').fill('bad id');
    await visible(page.getByText('That id does not follow the rule above.'));
    expect(await page.getByRole('button', { name: 'Generate keys' }).isDisabled()).toBe(true);
    await page.getByLabel('Client id').fill('');
    await accessible(page, '03-keys');
  });

  it('shows the error message and code when main refuses', async () => {
    await page.getByLabel('Client id').fill('billing-svc');
    await page.getByRole('button', { name: 'Generate keys' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'KEY_EXISTS' });
    await visible(alert);
    expect(await alert.innerText()).toMatch(/Error KEY_EXISTS: a key named 'billing-svc' already exists/);
    await page.getByLabel('Client id').fill('');
  });

  it('filters by client id, purpose, state and search text', async () => {
    await page.getByLabel('Client or zone id').selectOption('report-svc');
    await visible(page.getByText('Showing 6 of 12 keys'));
    expect(await names(page)).toEqual(['report-svc', 'report-svc_hmac', 'report-svc_server', 'report-svc_storage', 'report-svc_storage_sym', 'report-svc_translator']);
    await page.getByLabel('Purpose').selectOption('storage');
    await visible(page.getByText('Showing 1 of 12 keys'));
    expect(await names(page)).toEqual(['report-svc_storage']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Search').fill('_hmac');
    await visible(page.getByText('Showing 2 of 12 keys'));
    await page.getByLabel('State').selectOption('disabled');
    await visible(page.getByText('Showing 0 of 12 keys'));
    await shot(page, '04-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await visible(page.getByText('Showing 12 of 12 keys'));
  });

  it('rotates a key: version 2 becomes current', async () => {
    await select(page, 'billing-svc_storage');
    await page.getByRole('button', { name: 'Rotate billing-svc_storage', exact: true }).click();
    await visible(page.getByText('Rotated billing-svc_storage: version 2 is now current'));
    expect(await page.locator('[role="option"][data-key="billing-svc_storage"] .version').innerText()).toBe('v2');
    const versions = page.getByRole('region', { name: 'billing-svc_storage', exact: true }).locator('tbody tr');
    expect(await versions.locator('th').allInnerTexts()).toEqual(['v1', 'v2']);
    expect(await versions.locator('.state').allInnerTexts()).toEqual(['rotated', 'active']);
    expect(await stateOf(page, 'billing-svc_storage')).toBe('active');
  });

  it('shows a public key as PEM and copies it through main', async () => {
    await page.getByRole('button', { name: 'Show the public key of billing-svc_storage', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Public key of billing-svc_storage' });
    await visible(dialog);
    const pem = await dialog.getByLabel('Public key PEM').innerText();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----/);
    await dialog.getByRole('button', { name: 'Copy to clipboard' }).click();
    await visible(dialog.getByText('Copied the public key of billing-svc_storage to the clipboard.'));
    expect(app.h.clipboard.map((t) => t.trim())).toEqual([pem.trim()]);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, '05-public-key');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('disables a key and shows it as disabled', async () => {
    await select(page, 'billing-svc_hmac');
    await page.getByRole('button', { name: 'Disable billing-svc_hmac', exact: true }).click();
    await visible(page.getByText('Disabled billing-svc_hmac'));
    expect(await stateOf(page, 'billing-svc_hmac')).toBe('disabled');
    await page.getByLabel('State').selectOption('disabled');
    expect(await names(page)).toEqual(['billing-svc_hmac']);
    expect(await page.getByRole('button', { name: 'Enable billing-svc_hmac', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('destroys a key only after its name is typed', async () => {
    // Destroy is in the details of the selected key, never on a row of the list.
    expect(await rows(page).locator('button').count()).toBe(0);
    await select(page, 'report-svc_hmac');
    await page.getByRole('button', { name: 'Destroy report-svc_hmac', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Destroy report-svc_hmac?' });
    await visible(dialog);
    const confirm = dialog.getByRole('button', { name: 'Destroy key', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the key name').fill('report-svc_hma');
    expect(await confirm.isDisabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, '06-destroy-confirmation');
    await dialog.getByLabel('Type the key name').fill('report-svc_hmac');
    await confirm.click();
    await visible(page.getByText('Destroyed report-svc_hmac'));
    expect(await stateOf(page, 'report-svc_hmac')).toBe('destroyed');
    expect(await page.getByRole('button', { name: 'Destroy report-svc_hmac', exact: true }).isDisabled()).toBe(true);
  });

  it('settings: sets the idle lock time', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { name: 'Settings' }));
    await page.getByLabel('Lock after this many idle minutes').fill('9');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Saved: the vault locks after 9 idle minutes.'));
    expect(await app.h.ok('settings:get', {})).toEqual({ idleLockMinutes: 9 });
    await accessible(page, '07-settings');
    await page.getByRole('link', { name: 'Keys' }).click();
  });

  it('locks: keys wiped in the worker, every store reset, back to the unlock screen', async () => {
    await page.getByLabel('Search').fill('billing');
    await visible(page.getByText('Showing 6 of 12 keys'));
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Unlock ceremony' }));
    await visible(page.getByText('The vault was locked (on request); its keys were wiped from memory.'));
    expect(await app.h.ok('app:status', {})).toEqual({ unlocked: null });
    expect(await app.h.call('keys:list', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    expect(await rows(page).count()).toBe(0);
    expect(await page.getByTestId('lock-state').innerText()).toBe('Locked');
    expect(await page.getByRole('button', { name: 'Lock', exact: true }).count()).toBe(0);
    await page.goto(`${app.origin}/#/keys`);
    await visible(page.getByRole('heading', { name: 'Welcome to Custos' }));
    await page.getByRole('link', { name: 'Open ceremony' }).click();
    await visible(page.getByRole('heading', { name: 'Unlock ceremony' }));
    await accessible(page, '08-unlock');
  });

  it('unlocks with a wrong passphrase (refused, with code) and then the right one', async () => {
    const field = page.getByLabel('Passphrase', { exact: true });
    await field.fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await visible(page.locator('progress'));
    const alert = page.getByRole('alert').filter({ hasText: 'WRONG_PASSPHRASE' });
    await alert.waitFor({ state: 'visible', timeout: 120_000 });
    expect(await alert.innerText()).toContain('Error WRONG_PASSPHRASE: the passphrase does not unlock this keystore');
    expect(await field.inputValue()).toBe('');
    await shot(page, '09-wrong-passphrase');
    // Keyboard only: the field has focus again after the failure; type and press Enter.
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keys' }).waitFor({ state: 'visible', timeout: 120_000 });
    // The filter typed before the lock is gone: the keys store was reset, then hydrated afresh.
    await visible(page.getByText('Showing 12 of 12 keys'));
    expect(await page.getByLabel('Search').inputValue()).toBe('');
    expect(await stateOf(page, 'report-svc_hmac')).toBe('destroyed');
  }, 300_000);

  it('is usable from the keyboard alone: reach the generate field with Tab, submit with Enter', async () => {
    await page.getByRole('heading', { name: 'Keys' }).click();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id?: string } | null } }).document.activeElement?.id === 'generate-id');
    }
    expect(reached).toBe(true);
    await page.keyboard.type('zone-less-svc');
    await page.keyboard.press('Enter');
    await visible(page.getByText('Generated 6 keys: zone-less-svc'));
    // Tab on to the key list, arrow down to the key, Enter into its details, Tab to Destroy.
    const focusedLabel = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement;
        return el?.getAttribute('aria-label') ?? '';
      });
    for (let i = 0; i < 20 && (await focusedLabel()) !== 'Keys'; i++) await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('Keys');
    const selected = () => rows(page).and(page.locator('[aria-selected="true"]')).getAttribute('data-key');
    for (let i = 0; i < 30 && (await selected()) !== 'zone-less-svc_hmac'; i++) await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe('zone-less-svc_hmac');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'zone-less-svc_hmac', exact: true }));
    for (let i = 0; i < 10 && (await focusedLabel()) !== 'Destroy zone-less-svc_hmac'; i++) await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('Destroy zone-less-svc_hmac');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Destroy zone-less-svc_hmac?' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await stateOf(page, 'zone-less-svc_hmac')).toBe('active');
  });

  it('reads at 200% zoom: content reflows, no page-wide horizontal scroll', async () => {
    // 200% zoom of a 1280×800 window is a 640×400 CSS viewport at twice the pixel density.
    const zoomed = await app.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    await zoomed.goto(`${app.origin}/`);
    await visible(zoomed.getByRole('heading', { name: 'Keys' }));
    await visible(zoomed.getByText('Showing 18 of 18 keys'));
    const overflow = await zoomed.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(zoomed, '10-keys-200-percent');
    expect(await axeViolations(zoomed)).toEqual([]);
  });

  it('follows the system dark theme when set to System', async () => {
    const dark = await app.newPage({ colorScheme: 'dark' });
    await dark.goto(`${app.origin}/`);
    await visible(dark.getByRole('heading', { name: 'Keys' }));
    const background = await dark.evaluate(() => {
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
    expect(background).toBe('rgb(16, 20, 24)');
    expect(await axeViolations(dark)).toEqual([]);
    await shot(dark, '11-keys-system-dark');
  });
});
