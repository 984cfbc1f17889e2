/**
 * An XSS payload typed into every text field of every screen, and carried
 * back from main in a vault file name, never runs. "Runs" is observed three
 * ways: a global the payload would set, a JavaScript dialog, and any CSP
 * violation report (which would mean markup reached a sink and only the CSP
 * stopped it: Vue's escaping should stop it before that).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newArgon2idParams } from '../../src-main/core/crypto/kdf.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { CHROMIUM, launchApp, shot, type App } from './harness.js';

const PAYLOAD = `"><img src=x onerror="globalThis.__xss='img'"><script>globalThis.__xss='script'</script><svg onload="globalThis.__xss='svg'">{{ globalThis.__xss='template' }}`;
/** Method labels are at most 100 characters. */
const LABEL_PAYLOAD = `<img src=x onerror="globalThis.__xss='label'">{{ globalThis.__xss='t' }}`;
const FILE_PAYLOAD = `"><img src=x onerror=globalThis.__xss=1>.db`;
const PASS = 'a long enough passphrase';

async function evidence(page: Page): Promise<{ xss: unknown; csp: unknown }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __xss?: unknown; __cspViolations?: unknown };
    return { xss: g.__xss ?? null, csp: g.__cspViolations ?? null };
  });
}

describe.skipIf(!existsSync(CHROMIUM))('XSS payloads in every text field', () => {
  let app: App;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    app = await launchApp();
    page = await app.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 60_000);
  afterAll(async () => app?.close());

  it('never run, on any screen', async () => {
    await page.goto(`${app.origin}/`);
    await page.getByLabel('Vault name').fill(PAYLOAD);
    await page.getByLabel('Passphrase', { exact: true }).fill(PAYLOAD);
    await page.getByLabel('Repeat the passphrase').fill(PAYLOAD);
    await page.getByText('A vault name is 1 to 64 letters').waitFor();
    await page.getByLabel('Vault name').press('Enter');

    // A vault whose file name is the payload: main lists it, the page shows the name.
    const path = join(app.h.dir, FILE_PAYLOAD);
    await createKeystore(path, { masterKey: generateMasterKey() });
    app.h.fileChoices.push(path);
    await page.getByRole('button', { name: 'Open a vault file…' }).click();
    await page.getByRole('heading', { name: `Unlock ${FILE_PAYLOAD}` }).waitFor();
    // It has no unlock method: only its master key file is offered.
    await page.getByRole('button', { name: 'Choose the master key file…' }).waitFor();
    expect(await page.getByRole('radio', { name: /The master key file/ }).isChecked()).toBe(true);
    app.h.fileChoices.push(null);
    await page.getByRole('button', { name: 'Choose the master key file…' }).click();
    await page.getByRole('alert').filter({ hasText: 'CANCELLED' }).waitFor();
    await page.getByRole('link', { name: 'Back to the vault list' }).click();
    expect(await page.getByText(`Open ${FILE_PAYLOAD}`).count()).toBe(1);

    await page.getByLabel('Vault name').fill('xss');
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('Repeat the passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Create vault' }).click();
    // The calibrated KDF: seconds on a quiet machine, far longer on a busy one.
    await page.getByRole('heading', { name: 'Keys' }).waitFor({ timeout: 150_000 });

    await page.getByLabel('Client id').fill(PAYLOAD);
    await page.getByLabel('Client id').press('Enter');
    await page.getByText('That id does not follow the rule above.').waitFor();
    await page.getByLabel('Client id').fill('billing-svc');
    await page.getByLabel('Client id').press('Enter');
    await page.getByText('Generated 6 keys').waitFor();
    await page.getByLabel('Search').fill(PAYLOAD);
    await page.getByText('Showing 0 of 6 keys').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('[role="option"][data-key="billing-svc_hmac"]').click();
    await page.getByRole('button', { name: 'Destroy billing-svc_hmac', exact: true }).click();
    await page.getByLabel('Type the key name').fill(PAYLOAD);
    await page.getByLabel('Type the key name').press('Enter');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Lock after this many idle minutes').fill('5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').waitFor();

    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('heading', { name: 'Unlock xss' }).waitFor();
    // An unlock method whose label is the payload (labels are free text from `custos unlock-methods add --label`).
    const locked = await openKeystore(join(app.h.vaultsDir, 'xss.custos.db'), { kind: 'passphrase', passphrase: PASS });
    await addUnlockMethod(locked, { kind: 'passphrase', passphrase: PASS, params: newArgon2idParams(8 * 1024, 1), label: LABEL_PAYLOAD });
    locked.close();
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock xss' }).waitFor();
    await page.getByRole('radio', { name: /method 2/ }).check();
    await page.getByLabel('Passphrase', { exact: true }).fill(PAYLOAD);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'WRONG_PASSPHRASE' }).waitFor();
    await shot(page, 'xss-after');

    // Give any deferred handler (image error, svg load) time to fire.
    await page.waitForTimeout(300);
    expect(await evidence(page)).toEqual({ xss: null, csp: [] });
    expect(dialogs).toEqual([]);
    expect(await page.locator('main img, main script, main svg').count()).toBe(0);
    await expect(app.h.ok('keys:list', {})).rejects.toThrow(/KEYSTORE_LOCKED/);
  }, 240_000);

  it('the detectors work: the same payload injected as HTML does trip them', async () => {
    const probe = await app.newPage();
    await probe.goto(`${app.origin}/`);
    await probe.getByRole('heading', { name: 'Welcome to Custos' }).waitFor();
    // Inserted as markup (what v-html would do): the CSP blocks the handlers and reports it.
    await probe.evaluate((html) => {
      const d = (globalThis as unknown as { document: { body: { insertAdjacentHTML(p: string, h: string): void } } }).document;
      d.body.insertAdjacentHTML('beforeend', html);
    }, PAYLOAD);
    await probe.waitForTimeout(300);
    const seen = await evidence(probe);
    expect(seen.xss).toBeNull();
    expect((seen.csp as string[]).some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
