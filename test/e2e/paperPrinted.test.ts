import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQrImage } from '../../src-main/core/paper/print/qrImage.js';
import { restoreSecret } from '../../src-main/core/paper/restore.js';
import { expectOk, initVault, json } from '../cli/fixtures.js';

const subsets = <T>(items: T[], k: number): T[][] =>
  k === 0 ? [[]] : items.flatMap((item, i) => subsets(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));

/**
 * The paper path as a person checks it: Chromium prints the sheets to PDF,
 * pdftoppm rasterises each page, zbarimg (a real QR decoder) reads the codes
 * back, and the decoded shares are all that is used to restore.
 */
describe('printed sheets, end to end', () => {
  it('3-of-5: every QR code reads back as its share; any 3 restore the master key, any 2 do not', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    const split = json<{ sheets: Array<{ file: string }> }>(
      expectOk(await v.run(['paper', 'split', '--threshold', '3', '--shares', '5', '--out', out, '--allow-same-disk', '--text', '--chromium', '/usr/bin/chromium', '--json'])),
    );
    expect(split.sheets).toHaveLength(5);

    const scanned: string[] = [];
    for (const [i, sheet] of split.sheets.entries()) {
      const png = join(out, `scan-${i + 1}`);
      execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', sheet.file, png]);
      const codes = await decodeQrImage(`${png}.png`);
      expect(codes, `sheet ${i + 1}`).toHaveLength(1);
      // The QR code holds exactly the mnemonic: what --text wrote beside the sheet.
      expect(codes[0]).toBe(readFileSync(join(out, `share-${i + 1}.txt`), 'utf8').trim());
      scanned.push(codes[0] ?? '');
    }

    const inputs = scanned.map((text, i) => ({ source: `scan ${i + 1}`, text }));
    const triples = subsets(inputs, 3);
    expect(triples).toHaveLength(10);
    for (const triple of triples) {
      const { secret } = restoreSecret(triple);
      expect(Buffer.from(secret).toString('base64'), triple.map((t) => t.source).join('+')).toBe(v.key);
    }
    const pairs = subsets(inputs, 2);
    expect(pairs).toHaveLength(10);
    for (const pair of pairs) expect(() => restoreSecret(pair)).toThrow(expect.objectContaining({ code: 'SHARES_INSUFFICIENT' }));

    // And through the command line, straight from the scans: PNG, and a JPEG scan too.
    execFileSync('pdftoppm', ['-r', '150', '-jpeg', '-singlefile', split.sheets[4]?.file ?? '', join(out, 'scan-5')]);
    const images = ['scan-1.png', 'scan-3.png', 'scan-5.jpg'].flatMap((f) => ['--qr-image', join(out, f)]);
    const printed = json<{ secret: string }>(expectOk(await v.run(['paper', 'restore', ...images, '--print', '--json'])));
    expect(printed.secret).toBe(v.key);
  }, 60_000);
});
