/**
 * The desktop layout (issue 11, "A home for more than one screen"): a side
 * navigation with the vault's name, fingerprint and lock state; keys as a list
 * with a details pane, driven from the keyboard alone (select, open, rotate,
 * destroy through the typed confirmation); a blue focus ring that is not the
 * error red; axe clean light and dark, and at 200% zoom.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessible, axeViolations, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

type Doc = { document: { activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null } | null } };
/** What has keyboard focus, as a person would name it: its aria-label, else its text, with its role or tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as Doc).document.activeElement;
    if (!el) return '';
    return `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40)}`;
  });
/** Presses Tab until `want` has focus (at most `max` times); returns every stop on the way. */
async function tabTo(page: Page, want: string, max = 60): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    stops.push(now);
    if (now === want) return stops;
  }
  throw new Error(`never reached ${want}; stops: ${stops.join(' | ')}`);
}
/** The key list's options (the native <option>s of the filter menus are options too). */
const keyOptions = (page: Page) => page.getByRole('listbox', { name: 'Keys' }).getByRole('option');
const outlineColor = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as { getComputedStyle(e: unknown): { outlineColor: string; outlineStyle: string }; document: { activeElement: unknown } };
    const style = g.getComputedStyle(g.document.activeElement);
    return `${style.outlineStyle} ${style.outlineColor}`;
  });
/** The computed colour of a design token, as the browser resolves it (rgb()). */
const token = (page: Page, name: string) =>
  page.evaluate((n) => {
    const g = globalThis as unknown as { document: { createElement(t: string): { style: { color: string } }; body: { appendChild(e: unknown): void; removeChild(e: unknown): void } }; getComputedStyle(e: unknown): { color: string } };
    const probe = g.document.createElement('span');
    probe.style.color = `var(${n})`;
    g.document.body.appendChild(probe);
    const c = g.getComputedStyle(probe).color;
    g.document.body.removeChild(probe);
    return c;
  }, name);

describe.skipIf(!hasChromium)('the desktop layout', () => {
  let app: App;
  let page: Page;
  let fingerprint: string;

  beforeAll(async () => {
    app = await launchApp();
    app.h.network.current = { airGapped: true, interfaces: [] };
    await app.h.ok('vault:create', { name: 'layout-vault', passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } });
    await app.h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    await app.h.ok('keys:generate', { scope: 'zone', zoneId: 'zone-eu-1' });
    fingerprint = (await app.h.ok('masterKey:rotationPlan', {})).vaultFingerprint;
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  }, 60_000);
  afterAll(async () => app?.close());

  it('side navigation: the vault name, its fingerprint v2 and the lock state, and links to the five screens only', async () => {
    const side = page.getByRole('banner');
    expect(fingerprint).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    expect(await side.getByTestId('vault-name').innerText()).toBe('layout-vault');
    expect(await side.getByTestId('vault-fingerprint').innerText()).toBe(fingerprint);
    expect(await side.getByTestId('lock-state').innerText()).toBe('Unlocked');
    expect(await side.getByRole('button', { name: 'Lock', exact: true }).count()).toBe(1);
    const nav = side.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Keys', 'Ceremony', 'Master key', 'Backups', 'Audit log', 'Restore drill', 'Settings']);
    expect(await nav.getByRole('link', { name: 'Ceremony' }).getAttribute('href')).toBe('#/ceremony');
    expect(await nav.getByRole('link', { name: 'Keys' }).getAttribute('aria-current')).toBe('page');
    // The main area no longer repeats "Vault: …" in a top bar.
    expect(await page.getByText('Vault: layout-vault').count()).toBe(0);
  });

  it('keys are a listbox whose rows hold no buttons; the details pane holds the actions and destroy', async () => {
    const list = page.getByRole('listbox', { name: 'Keys' });
    const listed = (await app.h.ok('keys:list', {})).keys.map((k) => k.name);
    expect(listed.length).toBeGreaterThan(6);
    expect(await list.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(listed);
    expect(await list.locator('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Destroy / }).count()).toBe(0);
    await list.getByRole('option', { name: /^billing-svc_storage client/ }).click();
    const details = page.getByRole('region', { name: 'billing-svc_storage', exact: true });
    await details.getByRole('heading', { name: 'billing-svc_storage' }).waitFor();
    expect(await page.getByRole('button', { name: 'Destroy billing-svc_storage', exact: true }).count()).toBe(1);
    expect(await details.getByRole('button', { name: 'Destroy billing-svc_storage', exact: true }).count()).toBe(1);
    const text = await details.innerText();
    for (const part of ['client billing-svc', 'storage', 'p256', 'v1', 'active', 'Created']) expect(text).toContain(part);
    const version = details.locator('tbody tr[data-version="1"]');
    const stored = (await app.h.ok('keys:get', { name: 'billing-svc_storage' })).versions[0]!;
    expect(await version.locator('td.fingerprint').innerText()).toBe(stored.fingerprint);
    await accessible(page, 'layout-01-keys-details');
  });

  it('keyboard only: the skip link, then Tab reaches the nav, the list and the details actions; rotate and destroy a key', async () => {
    // A fresh load, so Tab starts at the top of the page.
    await page.reload();
    await keyOptions(page).first().waitFor();

    // The skip link is the first stop and lands in main, past the side navigation.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a:Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.id)).toBe('main');

    // From the top again: the side navigation comes before the list.
    await page.reload();
    await keyOptions(page).first().waitFor();
    const stops = await tabTo(page, 'listbox:Keys');
    for (const stop of ['button:Lock', 'a:Keys', 'a:Ceremony', 'a:Master key', 'a:Settings']) expect(stops).toContain(stop);
    expect(stops.indexOf('a:Settings')).toBeLessThan(stops.indexOf('listbox:Keys'));

    // Focus on the list selects the first key; the arrows move; the details follow.
    const selected = () => page.getByRole('listbox', { name: 'Keys' }).getByRole('option', { selected: true }).getAttribute('data-key');
    const first = await selected();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const name = (await selected())!;
    expect(name).not.toBe(first);
    const options = await keyOptions(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(options.indexOf(name)).toBe(options.indexOf(first) + 2);
    expect(await page.getByRole('listbox').getAttribute('aria-activedescendant')).toBe(`key-option-${name}`);
    await page.getByRole('heading', { name, exact: true }).waitFor();

    // Enter opens the details: focus on its heading; Tab reaches Rotate.
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe(`h2:${name}`);
    await shot(page, 'layout-02-keyboard-details');
    await tabTo(page, `button:Rotate ${name}`, 3);
    expect(await outlineColor(page)).toBe(`solid ${await token(page, '--focus')}`);
    await shot(page, 'layout-03-focus-ring');
    await page.keyboard.press('Enter');
    await page.getByText(`Rotated ${name}: version 2 is now current`).waitFor();
    const details = page.getByRole('region', { name, exact: true });
    await details.locator('tbody tr[data-version="2"]').waitFor();
    expect(await details.locator('tbody tr[data-version="1"] .state').innerText()).toBe('rotated');
    expect(await details.locator('tbody tr[data-version="2"] .state').innerText()).toBe('active');
    expect(await page.locator(`[role="option"][data-key="${name}"] .version`).innerText()).toBe('v2');
    // Focus came back to Rotate after the call: the keyboard user is where they were.
    expect(await focused(page)).toBe(`button:Rotate ${name}`);

    // Destroy: Tab to it, Enter opens the typed confirmation; the wrong name does nothing.
    await tabTo(page, `button:Destroy ${name}`, 10);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Destroy ${name}?` });
    await dialog.waitFor();
    expect(await focused(page)).toBe(`input:`);
    await page.keyboard.type(name.slice(0, -1));
    await page.keyboard.press('Enter');
    expect(await dialog.isVisible()).toBe(true);
    expect((await app.h.ok('keys:get', { name })).versions.every((v) => v.state !== 'destroyed')).toBe(true);
    await page.keyboard.type(name.slice(-1));
    await shot(page, 'layout-04-destroy-confirmation');
    await page.keyboard.press('Enter');
    await page.getByText(`Destroyed ${name}`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await details.getByTestId('current-state').innerText()).toBe('destroyed');
    expect((await app.h.ok('keys:get', { name })).versions.map((v) => v.state)).toEqual(['destroyed', 'destroyed']);
    expect(await focused(page)).toBe(`h2:${name}`);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the focus ring is blue, not the danger or error red, in both themes', async () => {
    const theme = page.getByLabel('Theme');
    for (const [mode, ring] of [['light', 'rgb(29, 95, 214)'], ['dark', 'rgb(140, 196, 255)']] as const) {
      await theme.selectOption(mode);
      expect(await token(page, '--focus')).toBe(ring);
      expect(await token(page, '--focus')).not.toBe(await token(page, '--danger'));
      expect(await token(page, '--focus')).not.toBe(await token(page, '--error-fg'));
    }
    await theme.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await outlineColor(page)).toBe('solid rgb(140, 196, 255)');
    await theme.selectOption('system');
  });

  it('at 200% zoom the side navigation sits above the work area, nothing scrolls sideways, axe is clean', async () => {
    const zoomed = await app.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    await zoomed.goto(`${app.origin}/`);
    await keyOptions(zoomed).first().waitFor();
    expect(await zoomed.getByTestId('vault-fingerprint').innerText()).toBe(fingerprint);
    expect(await zoomed.getByTestId('lock-state').innerText()).toBe('Unlocked');
    const zoneKey = (await keyOptions(zoomed).last().getAttribute('data-key'))!;
    expect(zoneKey).toMatch(/^zone-eu-1/);
    await keyOptions(zoomed).last().click();
    await zoomed.getByRole('heading', { name: zoneKey, exact: true }).waitFor();
    const layout = await zoomed.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelector(s: string): { getBoundingClientRect(): { bottom: number; top: number; right: number } } } }).document;
      return {
        overflow: d.documentElement.scrollWidth - d.documentElement.clientWidth,
        sideAboveMain: d.querySelector('.sidebar').getBoundingClientRect().bottom <= d.querySelector('main').getBoundingClientRect().top,
        listAboveDetails: d.querySelector('.key-list').getBoundingClientRect().bottom <= d.querySelector('.key-details').getBoundingClientRect().top,
      };
    });
    expect(layout).toEqual({ overflow: 0, sideAboveMain: true, listAboveDetails: true });
    await accessible(zoomed, 'layout-05-keys-200-percent');
    await zoomed.close();
  });

  it('locking shows the locked state in the side, with no links to screens that need the vault', async () => {
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('heading', { name: 'Unlock layout-vault' }).waitFor();
    expect(await page.getByTestId('lock-state').innerText()).toBe('Locked');
    expect(await page.getByTestId('vault-fingerprint').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await accessible(page, 'layout-06-locked');
  });
});
