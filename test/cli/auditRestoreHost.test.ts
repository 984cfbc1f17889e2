import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, initVault, json, type CliVault } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** The text of one PDF page, as a person reads it (pdftotext, real poppler). */
function pageText(pdf: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' });
}

function pageCount(pdf: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? 0);
}

/** A ceremony on the source: some keys, a 2-of-3 split with named custodians (sheets as PDFs and --text), then more work. */
async function ceremony(v: CliVault): Promise<{ sheetsHead: string; ceremonyId: string; vault: string; sheetDir: string }> {
  expectOk(await v.run(['keys', 'generate', '--global', '--all', '--actor', 'Ana']));
  const sheetDir = join(v.dir, 'sheets');
  expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana Lima', '--custodian', 'Ben Okafor', '--custodian', 'Chen Wu', '--out', sheetDir, '--allow-same-disk', '--text', '--chromium', CHROMIUM, '--json']));
  const sheet = readdirSync(sheetDir).find((f) => f.endsWith('.pdf')) ?? '';
  const sheetText = execFileSync('pdftotext', ['-layout', join(sheetDir, sheet), '-'], { encoding: 'utf8' });
  const sheetsHead = /Audit head\s+(\d+:[0-9a-f]{16})/.exec(sheetText)?.[1] ?? '';
  expect(sheetsHead, sheetText).toMatch(/^\d+:[0-9a-f]{16}$/);
  const entries = json<Array<{ operation: string; subject: { ceremonyId: unknown; vaultFingerprint: string } }>>(expectOk(await v.run(['audit', 'list', '--json'])));
  const recorded = entries.filter((e) => e.operation === 'paper-split').at(-1);
  expect(recorded).toBeDefined();
  for (const id of ['orders', 'billing', 'search', 'mail-svc', 'ledger', 'reports']) expectOk(await v.run(['keys', 'generate', '--client-id', id, '--all', '--actor', 'Ben']));
  return { sheetsHead, ceremonyId: String(recorded?.subject.ceremonyId), vault: recorded?.subject.vaultFingerprint ?? '', sheetDir };
}

describe('the audit head printed on sheets, on the source and on a restore host', () => {
  it('the transcript PDF numbers its pages, names the vault and ceremony on every page, shows both heads and a receipt line per custodian', async () => {
    const v = await initVault();
    const { sheetsHead, ceremonyId, vault } = await ceremony(v);
    const pdf = join(v.dir, 'transcript.pdf');
    const report = json<{ head: string }>(expectOk(await v.run(['audit', 'export', '--pdf', pdf, '--chromium', CHROMIUM, '--json'])));
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++) {
      const text = pageText(pdf, p);
      expect(text).toContain(`page ${p} of ${pages}`);
      expect(text).toContain(`vault ${vault}`);
      expect(text).toContain(`ceremony ${ceremonyId}`);
    }
    const all = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(all).toContain(`The sheets of ceremony ${ceremonyId} carry audit head ${sheetsHead}`);
    expect(all).toContain(`the current head is ${report.head}`);
    expect(sheetsHead).not.toBe(report.head);
    for (const [name, member] of [['Ana Lima', 1], ['Ben Okafor', 2], ['Chen Wu', 3]] as const) {
      expect(all).toMatch(new RegExp(`${name} — group 1 share ${member}, sheet [0-9a-f-]+ — received: _+ signature _+`));
    }
  }, 60_000);

  it('on a restore host with the same master key, audit verify --head confirms the head on the sheets; a made-up head fails clearly', async () => {
    const a = await initVault();
    const { sheetsHead, vault, ceremonyId } = await ceremony(a);
    const out = { bundle: join(a.dir, 'k.bundle'), accessKeys: join(a.dir, 'k.access.json') };
    expectOk(await a.run(['export', '--all', '--private-keys', '--bundle', out.bundle, '--access-keys', out.accessKeys]));

    // Host B: a fresh keystore with the same master key, then the import.
    const bPath = join(tempDir(), 'vault', 'custos.db');
    const b = (argv: string[]) => runInProcess(argv, { env: { CUSTOS_MASTER_KEY: a.key, CUSTOS_KEYSTORE: bPath } });
    expectOk(await b(['init']));
    expectOk(await b(['import', '--bundle', out.bundle, '--access-keys', out.accessKeys]));

    const ok = expectOk(await b(['audit', 'verify', '--head', sheetsHead]));
    expect(ok.stdout).toContain(`ok: head ${sheetsHead} belongs to the history imported from vault ${vault}`);
    expect(ok.stdout).toMatch(/: \d+ entries after it in that history/);
    expect(ok.stdout).toContain("this keystore's own log starts at its restore");
    const okJson = json<{ ok: boolean; headIn: string; imported: { entriesAfter: number; history: { verified: boolean } } }>(expectOk(await b(['audit', 'verify', '--head', sheetsHead, '--json'])));
    expect(okJson).toMatchObject({ ok: true, headIn: 'imported', imported: { history: { verified: true } } });
    expect(okJson.imported.entriesAfter).toBeGreaterThan(6);

    // audit head on B lists the imported history; A, which imported none, lists nothing more.
    const bHead = expectOk(await b(['audit', 'head'])).stdout;
    expect(bHead).toMatch(new RegExp(`imported    history of vault ${vault} up to head \\d+:[0-9a-f]{16} \\(bundle [^,]+, imported \\d{4}-\\d\\d-\\d\\d\\), verified under this master key`));
    expect(expectOk(await a.run(['audit', 'head'])).stdout).not.toContain('imported');
    // B's printed transcript names the source's ceremony and the head its sheets carry, on every page.
    const pdf = join(tempDir(), 'restore.audit.pdf');
    const bReport = json<{ head: string }>(expectOk(await b(['audit', 'export', '--pdf', pdf, '--chromium', CHROMIUM, '--json'])));
    const all = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(all).toContain(`The sheets of ceremony ${ceremonyId} carry audit head ${sheetsHead}, in the history imported from vault`);
    expect(all.replace(/-/g, '')).toContain(`imported from vault ${vault.replace(/-/g, '')}`); // pdftotext drops a dash at a line break
    expect(all).toContain(`its current head is ${bReport.head}`);
    for (let p = 1; p <= pageCount(pdf); p++) expect(pageText(pdf, p)).toContain(`ceremony ${ceremonyId}`);

    const seq = sheetsHead.split(':')[0] ?? '1';
    const bad = await b(['audit', 'verify', '--head', `${seq}:0123456789abcdef`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAILED: head-unknown');
    expect(bad.stdout).toContain(`vault ${vault}`);
    expect(bad.stdout).not.toContain('forked');
    const badJson = json<{ ok: boolean; problem: { kind: string } }>(await b(['audit', 'verify', '--head', `${seq}:0123456789abcdef`, '--json']));
    expect(badJson).toMatchObject({ ok: false, problem: { kind: 'head-unknown' } });
  }, 90_000);
});
