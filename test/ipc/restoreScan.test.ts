/**
 * restore:scanShare: a scan picked in main's own dialog, read in main. The
 * PDF sheets are the ones `paper split` prints (real Chromium); main
 * rasterises them with pdftoppm and reads the QR code with zbarimg, as
 * `paper restore --qr-image` does. The renderer never names the file.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOk, initVault } from '../cli/fixtures.js';
import { startHarness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('restore: a picked scan of a sheet', () => {
  it('reads PDF sheets in main and counts them; an image with no QR code and a cancelled dialog are refused with nothing kept', async () => {
    const v = await initVault();
    const sheets = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--out', sheets, '--allow-same-disk', '--chromium', CHROMIUM]));
    const pdfs = readdirSync(sheets).filter((f) => f.endsWith('.pdf')).sort().map((f) => join(sheets, f));
    expect(pdfs).toHaveLength(3);
    const h = startHarness();

    const blank = join(v.dir, 'blank.pdf.png');
    // A valid 1x1 PNG: an image, but no QR code in it.
    writeFileSync(blank, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
    h.fileChoices.push(blank);
    const none = await h.call('restore:scanShare', {});
    expect(none.ok ? 'ok' : none.code).toBe('QR_NOT_FOUND');
    h.fileChoices.push(null);
    const cancelled = await h.call('restore:scanShare', {});
    expect(cancelled.ok ? 'ok' : cancelled.code).toBe('CANCELLED');

    h.fileChoices.push(pdfs[0]!);
    const one = await h.ok('restore:scanShare', {});
    expect(one.shares).toEqual([{ source: `scan ${pdfs[0]!.split('/').pop()}`, group: 1, member: 1 }]);
    expect(one.progress.lines).toEqual(['1 of 2 shares, 1 more needed']);
    h.fileChoices.push(pdfs[0]!);
    const again = await h.call('restore:scanShare', {});
    expect(again.ok ? 'ok' : again.code).toBe('SHARE_DUPLICATE');
    h.fileChoices.push(pdfs[2]!);
    const two = await h.ok('restore:scanShare', {});
    expect(two.progress.complete).toBe(true);
    expect(two.shares.map((s) => s.member)).toEqual([1, 3]);
  }, 120_000);
});
