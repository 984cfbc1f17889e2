import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { recordCeremony, splitVault } from '../../src-main/core/paper/paperVault.js';
import { renderPdfs } from '../../src-main/core/paper/print/pdf.js';
import { renderSheetHtml, type SheetData } from '../../src-main/core/paper/sheet/template.js';
import { runInProcess, runInteractive } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, FAST_KDF_FLAGS, initVault, type CliVault } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** Splits the vault's key as `paper split` does (the same core calls, without printing) and returns the sheets. */
async function sheetsOf(v: CliVault, passphrase?: string): Promise<SheetData[]> {
  const ks = await openKeystore(v.path, { kind: 'master-key', masterKey: new Uint8Array(v.keyBytes) });
  try {
    const made = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: ['Ana'], passphrase });
    recordCeremony(ks, made.record, made.sheets[0]?.auditHead ?? null);
    return made.sheets;
  } finally {
    ks.close();
  }
}

const unescape = (html: string) => html.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/<[^>]+>/g, '');

/** Every command the sheet's "To restore" steps tell a custodian to run, as printed. */
function sheetCommands(html: string): string[] {
  const footer = html.slice(html.indexOf('<h2>To restore</h2>'));
  return [...footer.matchAll(/<code>(.*?)<\/code>/g)].map((m) => unescape(m[1] ?? '')).filter((c) => c.startsWith('custos '));
}

/** The key check the sheet says the restore must show. */
function sheetCheck(html: string): string {
  return /The key check must read <code>([^<]+)<\/code>/.exec(html)?.[1] ?? 'missing';
}

describe("the sheet's restore steps work as written", () => {
  for (const withPassphrase of [false, true]) {
    it(`each command on a sheet runs, with the shares typed at a terminal${withPassphrase ? ' (shares made with a SLIP-0039 passphrase)' : ''}`, async () => {
      const v = await initVault();
      const sheets = await sheetsOf(v, withPassphrase ? 'not on the sheet' : undefined);
      const html = renderSheetHtml(sheets[0] as SheetData);
      const commands = sheetCommands(html);
      expect(commands).toEqual(['custos paper restore', 'custos paper restore --verify', `custos paper restore --init --expect-check ${sheetCheck(html)}`]);
      // A sheet made with a passphrase says to add --share-passphrase-file FILE to each command.
      const host = tempDir();
      const passFile = join(host, 'share-pass.txt');
      writeFileSync(passFile, 'not on the sheet');
      expect(html.includes('<code>--share-passphrase-file FILE</code>')).toBe(withPassphrase);
      const extra = withPassphrase ? ['--share-passphrase-file', passFile] : [];
      const typed = [sheets[0]?.mnemonic ?? '', sheets[2]?.mnemonic ?? ''];
      const argv = (command: string) => [...command.split(' ').slice(1), ...extra];

      // Step: custos paper restore, on any host: shows the key check the sheet prints, writes nothing.
      const bare = await runInteractive(argv(commands[0] ?? ''), { env: { CUSTOS_KEYSTORE: join(host, 'custos.db') }, answers: typed });
      expect(bare.code, bare.stderr).toBe(0);
      expect(bare.stdout).toContain(`key check: ${sheetCheck(html)}`);
      expect(bare.stdout).toContain(sheets[0]?.vaultFingerprint ?? 'missing');
      expect(existsSync(join(host, 'custos.db'))).toBe(false);

      // The same step with scans instead of typing: '--qr-image SCAN' once per sheet (here the PDF sheets themselves).
      const scanOption = /<code>(--qr-image SCAN)<\/code> once per sheet/.exec(html)?.[1] ?? 'missing';
      const pdfs = await renderPdfs([html, renderSheetHtml(sheets[2] as SheetData)], CHROMIUM);
      const scans = pdfs.map((pdf, i) => {
        const file = join(host, `sheet-${i + 1}.pdf`);
        writeFileSync(file, pdf);
        return file;
      });
      const scanned = await runInProcess([...argv(commands[0] ?? ''), ...scans.flatMap((f) => scanOption.replace('SCAN', f).split(' '))], { env: { CUSTOS_KEYSTORE: join(host, 'custos.db') } });
      expect(scanned.code, scanned.stderr).toBe(0);
      expect(scanned.stdout).toContain(`key check: ${sheetCheck(html)}`);

      // Step: --verify where the vault's keystore is at hand.
      const verified = await runInteractive(argv(commands[1] ?? ''), { env: { CUSTOS_KEYSTORE: v.path }, answers: typed });
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toContain(`unlocks ${v.path}`);

      // Step: --init on a new host: asks the new keystore's passphrase twice, and that passphrase then opens it.
      const fresh = join(host, 'custos.db');
      const made = await runInteractive([...argv(commands[2] ?? ''), ...FAST_KDF_FLAGS], { env: { CUSTOS_KEYSTORE: fresh }, answers: [...typed, 'host pass', 'host pass'] });
      expect(made.code, made.stderr).toBe(0);
      const hostPass = join(host, 'pass.txt');
      writeFileSync(hostPass, 'host pass');
      expectOk(await runInProcess(['check', '--keystore', fresh, '--passphrase-file', hostPass]));
    });
  }
});
