/**
 * A ceremony resumed in the browser after the worker restarts mid-way (issue
 * 11, "Done when"): the session lives in the vault, so after the restart and
 * an unlock the Ceremony screen opens where it stood. A restart after the
 * split and before printing loses the words (they were only in the worker):
 * the wizard goes back to the quorum step and says so, and nothing half-made
 * looks complete.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessible, CHROMIUM, launchApp, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const currentStep = (page: Page) => page.getByRole('navigation', { name: 'Ceremony steps' }).locator('[aria-current="step"]').innerText();
async function reopen(page: Page, app: App): Promise<void> {
  await page.goto(`${app.origin}/`);
  await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Ceremony', exact: true }).click();
  await page.getByRole('heading', { name: 'Key ceremony', level: 1 }).waitFor();
}

describe.skipIf(!hasChromium)('a ceremony resumed after the worker restarts', () => {
  let app: App;
  let page: Page;
  let vaultId: string;

  beforeAll(async () => {
    app = await launchApp();
    vaultId = (await app.h.ok('vault:create', { name: 'resume-vault', passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } })).id;
    page = await app.newPage();
    await reopen(page, app);
  }, 90_000);
  afterAll(async () => app?.close());

  it('opens at the step it stood at, with who did what, after a restart; a split not yet printed is asked for again', async () => {
    await page.getByRole('button', { name: 'Start a ceremony' }).click();
    await page.getByLabel(/^Operator/).fill('Olivia Operator');
    await page.getByLabel(/^Custodians/).fill('Ada\nBo');
    await page.getByRole('button', { name: 'Save the roles' }).click();
    await page.getByRole('heading', { level: 2, name: 'Step 3 of 8: Vault and keys' }).waitFor();

    // Restart at step 3: the session is where it was, roles and log included.
    await app.restartWorker();
    await app.h.ok('vault:unlock', { id: vaultId, passphrase: PASS });
    await reopen(page, app);
    await page.getByRole('heading', { level: 2, name: 'Step 3 of 8: Vault and keys' }).waitFor();
    expect(await currentStep(page)).toContain('3. Vault and keys');
    const log = page.getByRole('region', { name: 'Who did each step' });
    expect((await log.innerText()).replace(/\s+/g, ' ')).toContain('Roles Olivia Operator');
    await accessible(page, 'ceremony-resumed-3-keys');

    await page.getByRole('button', { name: 'Generate the keys' }).click();
    await page.getByLabel('Sheets needed (K)').fill('2');
    await page.getByLabel('Sheets made (N)').fill('2');
    await page.getByRole('button', { name: 'Split the master key' }).click();
    await page.getByRole('heading', { level: 2, name: 'Step 5 of 8: Print' }).waitFor();

    // Restart after the split, before printing: the words died with the worker.
    await app.restartWorker();
    await app.h.ok('vault:unlock', { id: vaultId, passphrase: PASS });
    await reopen(page, app);
    await page.getByRole('heading', { level: 2, name: 'Step 4 of 8: Quorum' }).waitFor();
    expect(await currentStep(page)).toContain('4. Quorum');
    expect(await page.getByRole('navigation', { name: 'Ceremony steps' }).getByText('5. Print').locator('..').innerText()).toContain('not yet');
    expect(await page.getByRole('note').filter({ hasText: 'the shares were never printed and are gone. Split again.' }).count()).toBe(1);
    await accessible(page, 'ceremony-resumed-4-resplit');
    await page.getByLabel('Sheets needed (K)').fill('2');
    await page.getByLabel('Sheets made (N)').fill('2');
    await page.getByRole('button', { name: 'Split the master key' }).click();
    await page.getByRole('heading', { level: 2, name: 'Step 5 of 8: Print' }).waitFor();
    expect((await app.h.ok('ceremony:state', {})).state?.resplitNeeded).toBe(false);
  }, 150_000);
});
