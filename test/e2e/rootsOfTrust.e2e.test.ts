/**
 * Roots of trust in the app, in real Chromium on the built renderer with a
 * real SoftHSM2 token behind the worker: the unlock screen offers the vault's
 * methods, a wrong HSM PIN keeps it locked, the right one opens it; the
 * master-key screen warns that old paper shares stop working before the
 * typed confirmation, rotates, and the HSM still opens the vault afterwards.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { recordCeremony, splitVault } from '../../src-main/core/paper/paperVault.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../helpers/softhsm.js';
import { accessible, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'roots of trust passphrase';
const why = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (apt-get install chromium)` : softHsmUnavailable();
if (why) console.log(`roots-of-trust browser tests skipped: ${why}`);

describe.skipIf(why !== null)('unlock methods and master-key rotation in the app (Chromium, SoftHSM2)', () => {
  let app: App;
  let page: Page;
  let hsm: SoftHsmFolder;
  let vaultId = '';

  beforeAll(async () => {
    // Before the worker starts: SoftHSM reads SOFTHSM2_CONF when the worker first loads the module.
    hsm = softHsmFolder();
    hsm.initToken('custos-e2e');
    app = await launchApp();
    const made = await app.h.ok('vault:create', { name: 'roots', passphrase: PASS, kdf: { memoryMiB: 8, passes: 1 } });
    vaultId = made.id;
    await app.h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    await app.h.ok('vault:lock', {});
    // What `custos unlock-methods add` and `custos paper split` would have done on this vault.
    const ks = await openKeystore(join(app.h.vaultsDir, 'roots.custos.db'), { kind: 'passphrase', passphrase: PASS });
    await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-e2e' }, pin: USER_PIN, keyLabel: 'e2e-root', generate: true, label: 'ceremony HSM' });
    const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: [] });
    recordCeremony(ks, split.record);
    await addUnlockMethod(ks, { kind: 'paper', ceremonyId: split.record.id, label: 'board quorum' });
    ks.close();
    page = await app.newPage();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    hsm?.remove();
  });

  it('offers every unlock method as a labelled radio, the passphrase chosen first', async () => {
    await page.goto(`${app.origin}/#/unlock/${vaultId}`);
    await page.getByRole('heading', { name: 'Unlock roots' }).waitFor();
    const radios = page.getByRole('group', { name: 'Unlock with' }).getByRole('radio');
    await radios.first().waitFor();
    expect(await radios.evaluateAll((els) => els.map((e) => (e as unknown as { parentElement: { textContent: string } }).parentElement.textContent.replace(/\s+/g, ' ').trim()))).toEqual([
      'Passphrase: passphrase (method 1)',
      'HSM (PKCS#11): ceremony HSM (method 2)',
      'Paper shares (a quorum of custodians): board quorum (method 3)',
      'The master key file (chosen in a system dialog)',
    ]);
    expect(await page.getByRole('radio', { name: /method 1/ }).isChecked()).toBe(true);
    await accessible(page, '20-unlock-methods');
  });

  it('unlocks with the HSM from the keyboard: a wrong PIN is refused with its code and the field emptied', async () => {
    await page.getByRole('radio', { name: /method 1/ }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /method 2/ }).isChecked()).toBe(true);
    const pin = page.getByLabel('HSM user PIN');
    // Enter with the PIN empty says what is missing instead of doing nothing.
    await pin.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Fill in the fields above to unlock.' }).waitFor();
    // A PIN typed and then left for another method does not stay behind.
    await pin.fill('9999');
    await page.getByRole('radio', { name: /method 1/ }).check();
    await page.getByRole('radio', { name: /method 2/ }).check();
    expect(await pin.inputValue()).toBe('');
    await pin.fill('9999');
    await pin.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'HSM_PIN_INCORRECT' });
    await alert.waitFor();
    expect(await pin.inputValue()).toBe('');
    expect(await app.h.ok('app:status', {})).toEqual({ unlocked: null });
    await shot(page, '21-wrong-pin');
    // The field has focus again: type and press Enter.
    await page.keyboard.type(USER_PIN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await page.getByText('Showing 6 of 6 keys').waitFor();
  });

  it('shows the paper method as share fields, one per custodian', async () => {
    const other = await app.newPage();
    await other.goto(`${app.origin}/#/unlock/${vaultId}`);
    await other.getByRole('radio', { name: /method 3/ }).check();
    await other.getByLabel('Share 1').waitFor();
    expect(await other.getByLabel(/^Share \d$/).count()).toBe(2);
    await other.getByRole('button', { name: 'Add another share' }).click();
    expect(await other.getByLabel(/^Share \d$/).count()).toBe(3);
    expect(await other.evaluate(() => (globalThis as unknown as { document: { activeElement: { id?: string } | null } }).document.activeElement?.id)).toBe('unlock-share-3');
    await other.close();
  });

  it('warns that old paper shares stop working, and rotates only once every kept method has its credential and "rotate" is typed', async () => {
    await page.getByRole('link', { name: 'Master key' }).click();
    await page.getByRole('heading', { name: 'Rotate the master key' }).waitFor();
    const warning = page.getByRole('note', { name: 'What rotation does' });
    expect(await warning.innerText()).toContain('Old paper shares stop working. The 1 paper ceremony of this vault restores the old master key.');
    expect(await page.getByText('This method cannot be re-wrapped: the paper shares hold the old master key itself.').count()).toBe(1);
    const button = page.getByRole('button', { name: 'Rotate master key' });
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    // Submitted too early (Enter in the form), it says why, and rotates nothing.
    await page.getByLabel('Type rotate to confirm').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Fill in the credential of method 1 (passphrase), or remove it.' }).waitFor();
    // A credential typed for a method that is then removed is emptied.
    await page.getByLabel('HSM user PIN').fill(USER_PIN);
    await page.getByRole('group', { name: /ceremony HSM/ }).getByLabel('Remove this method instead of re-wrapping it').check();
    await page.getByRole('group', { name: /ceremony HSM/ }).getByLabel('Remove this method instead of re-wrapping it').uncheck();
    expect(await page.getByLabel('HSM user PIN').inputValue()).toBe('');
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('HSM user PIN').fill(USER_PIN);
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    await page.getByLabel('Type rotate to confirm').fill('rotate');
    expect(await button.getAttribute('aria-disabled')).toBe('false');
    await accessible(page, '22-master-key-rotation');
    const before = (await app.h.ok('masterKey:rotationPlan', {})).vaultFingerprint;
    await button.click();
    const status = page.getByRole('status').filter({ hasText: 'Rotated the master key' });
    await status.waitFor();
    // The outcome takes focus (once the plan has been read again): the keyboard lands on what happened.
    await page.waitForFunction(() => ((globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '').includes('Rotated the master key'));
    const text = await status.innerText();
    expect(text).toContain(`vault ${before} is now`);
    expect(text).toContain('1 paper ceremonies superseded');
    expect(text).toContain('Method 3 (board quorum): dropped.');
    expect(await page.getByLabel('Passphrase', { exact: true }).inputValue()).toBe('');
    const after = (await app.h.ok('masterKey:rotationPlan', {})).vaultFingerprint;
    expect(after).not.toBe(before);
    // The side navigation shows the new fingerprint at once, not the one the vault was unlocked with.
    await page.getByTestId('vault-fingerprint').filter({ hasText: after }).waitFor();
    await shot(page, '23-rotated');
  });

  it('after the rotation the HSM still opens the vault, and the paper method is gone', async () => {
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('heading', { name: 'Unlock roots' }).waitFor();
    expect(await page.getByRole('radio', { name: /method 3/ }).count()).toBe(0);
    await page.getByRole('radio', { name: /method 2/ }).check();
    await page.getByLabel('HSM user PIN').fill(USER_PIN);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    expect(await page.getByText('Showing 6 of 6 keys').count()).toBe(1);
  });
});
