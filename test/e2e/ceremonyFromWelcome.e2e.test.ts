/**
 * A ceremony begun on the Welcome screen with no vault (issue 11, step 3:
 * "Create the vault"): the air-gap stop and its override, then the roles,
 * with no vault anywhere; step 3 creates the vault with the Welcome screen's
 * own form (vault:create), and the new vault holds the session, the roles and
 * the override with its reason, in its session and its audit log. Then a
 * quorum of groups, and the print step at 200% zoom (axe light and dark).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessible, CHROMIUM, launchApp, shot, type App } from './harness.js';

const PASS = 'correct horse battery staple';
const REASON = 'Rehearsal: the lab switch cannot be unplugged';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const stepHeading = (page: Page, n: number, label: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 8: ${label}` });
const vaultFiles = (app: App) => (existsSync(app.h.vaultsDir) ? readdirSync(app.h.vaultsDir).filter((f) => f.endsWith('.db')) : []);

describe.skipIf(!hasChromium)('a ceremony begun on the Welcome screen, before any vault exists', () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await launchApp();
    app.h.network.current = { airGapped: false, interfaces: [{ name: 'eth0', address: '192.0.2.44', family: 'IPv4' }] };
    page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Welcome to Custos', level: 1 }).waitFor();
  }, 90_000);
  afterAll(async () => app?.close());

  it('air gap and roles with no vault; the Welcome screen offers to resume; step 3 creates the vault, which then holds the ceremony', async () => {
    await accessible(page, 'ceremony-welcome');
    await page.getByRole('button', { name: 'Start a key ceremony' }).click();
    await stepHeading(page, 1, 'Air gap').waitFor();
    expect(await page.getByTestId('air-gap-stop').innerText()).toContain('eth0 (IPv4 192.0.2.44)');
    await page.getByLabel(/^Reason/).fill(REASON);
    await page.getByRole('button', { name: 'Override and go on' }).click();
    await stepHeading(page, 2, 'Roles').waitFor();
    await page.getByLabel(/^Operator/).fill('Olivia Operator');
    await page.getByLabel(/^Witnesses/).fill('Walter Witness');
    await page.getByLabel(/^Custodians/).fill('Ada\nBo\nCy');
    await page.getByRole('button', { name: 'Save the roles' }).click();
    await stepHeading(page, 3, 'Vault and keys').waitFor();
    expect(vaultFiles(app)).toEqual([]);

    // Leaving and coming back: the Welcome screen says a ceremony is under way and resumes it at step 3.
    await page.goto(`${app.origin}/`);
    await page.getByRole('link', { name: 'Resume the ceremony started on this computer' }).click();
    await stepHeading(page, 3, 'Vault and keys').waitFor();
    await page.getByRole('heading', { level: 3, name: 'Create the vault' }).waitFor();
    const log = page.getByRole('region', { name: 'Who did each step' });
    expect((await log.innerText()).replace(/\s+/g, ' ')).toMatch(/Air gap Olivia Operator .*went on with a network up: Rehearsal/);
    await accessible(page, 'ceremony-3-create-vault');

    await page.getByLabel('Vault name').fill('welcome-vault');
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS);
    await page.getByLabel('Repeat the passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Create the vault' }).click();
    // The vault exists and is unlocked; the same step now asks for the ids whose keys the ceremony makes.
    // The app calibrates argon2id (256 MiB, about a second on an idle machine; much longer on a loaded 2-core CI box).
    await page.getByLabel(/^Client ids/).waitFor({ timeout: 150_000 }).catch(async (e: unknown) => {
      await shot(page, 'ceremony-3-create-vault-failed');
      throw e;
    });
    await stepHeading(page, 3, 'Vault and keys').waitFor();
    expect(await page.getByRole('heading', { level: 3, name: 'Create the vault' }).count()).toBe(0);
    expect(vaultFiles(app)).toHaveLength(1);
    const state = (await app.h.ok('ceremony:state', {})).state;
    expect(state).toMatchObject({ beforeVault: false, step: 'keys', roles: { operator: 'Olivia Operator', witnesses: ['Walter Witness'], custodians: ['Ada', 'Bo', 'Cy'] }, airGap: { overrideReason: REASON } });
    expect(await page.locator('body').innerText()).toContain(state!.vaultFingerprint);
    await shot(page, 'ceremony-3-vault-created');

    // The new vault's audit log has the override with its reason and who decided, and the draft's steps.
    const db = new Database(join(app.h.vaultsDir, vaultFiles(app)[0]!), { readonly: true });
    const rows = db.prepare("SELECT operation, actor, subject FROM audit_log WHERE operation LIKE 'ceremony-%' ORDER BY seq").all() as Array<{ operation: string; actor: string; subject: string }>;
    db.close();
    expect(rows.map((r) => [r.operation, r.actor])).toEqual([['ceremony-air-gap-override', 'Olivia Operator'], ['ceremony-begun-before-vault', 'Olivia Operator']]);
    expect(JSON.parse(rows[0]!.subject)).toMatchObject({ reason: REASON, interfaces: ['eth0 192.0.2.44'], beforeVault: true });

    // The ceremony goes on in the vault.
    await page.getByLabel(/^Client ids/).fill('billing-svc');
    await page.getByRole('button', { name: 'Generate the keys' }).click();
    await stepHeading(page, 4, 'Quorum').waitFor();

    // Step 4 with groups: two of two groups, "2/2" (Ada, Bo) and "1/1" (Cy); each sheet goes to a named custodian.
    await page.getByLabel('Groups (two-level sharing)').check();
    await page.getByLabel(/^Groups, one a line/).fill('2/2\n1/1');
    await page.getByLabel('Groups needed').fill('2');
    for (const [i, name] of ['Ada', 'Bo', 'Cy'].entries()) expect(await page.getByLabel(`Sheet ${i + 1}`, { exact: true }).inputValue()).toBe(name);
    await page.getByLabel('Sheet 3', { exact: true }).selectOption('Cy');
    await accessible(page, 'ceremony-4-quorum-groups');
    await page.getByRole('button', { name: 'Split the master key' }).click();
    await stepHeading(page, 5, 'Print').waitFor();
    const split = (await app.h.ok('ceremony:state', {})).state!;
    expect(split.quorum).toEqual({ groupThreshold: 2, groups: [{ threshold: 2, count: 2 }, { threshold: 1, count: 1 }], passphraseUsed: false });
    expect(split.sheets.map((x) => [x.group, x.member, x.custodian])).toEqual([[1, 1, 'Ada'], [1, 2, 'Bo'], [2, 1, 'Cy']]);

    // At 200% zoom (a 1280x800 window shown at twice the size) the wizard reflows to one column: nothing scrolls sideways, axe stays clean.
    const zoomed = await app.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    await zoomed.goto(`${app.origin}/`);
    await zoomed.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
    await zoomed.getByRole('link', { name: 'Ceremony', exact: true }).click();
    await stepHeading(zoomed, 5, 'Print').waitFor();
    await zoomed.getByRole('list', { name: 'Sheet previews' }).getByRole('listitem').first().waitFor();
    expect(await zoomed.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement.scrollWidth <= (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement.clientWidth)).toBe(true);
    await accessible(zoomed, 'ceremony-5-print-200-percent');
  }, 300_000);
});
