import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustosError } from '../../shared/errors.js';
import { decodeQrImage } from '../../src-main/core/paper/print/qrImage.js';
import { expectOk, initVault, json } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
/** Sheets printed once by `custos paper split` in real Chromium, kept here for every test. */
const keep = mkdtempSync(join(tmpdir(), 'custos-qrpdf-'));
let key = '';
let mnemonics: string[] = [];

beforeAll(async () => {
  const v = await initVault();
  const out = join(v.dir, 'sheets');
  json(expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM, '--json'])));
  for (const n of [1, 2, 3]) copyFileSync(join(out, `share-${n}.pdf`), join(keep, `share-${n}.pdf`));
  mnemonics = [1, 2, 3].map((n) => readFileSync(join(out, `share-${n}.txt`), 'utf8').trim());
  key = v.key;
}, 60_000);
afterAll(() => rmSync(keep, { recursive: true, force: true }));

/** A pdftoppm that notes the mode of the folder it writes to, then runs the real one (or fails). */
function recordingPdftoppm(dir: string, fail: boolean): { program: string; log: string } {
  const log = join(dir, 'pdftoppm.log');
  const program = join(dir, 'pdftoppm');
  const tail = fail ? 'exit 1' : 'exec /usr/bin/pdftoppm "$@"';
  writeFileSync(program, `#!/bin/sh\nstat -c '%a %n' "$(dirname "$5")" > '${log}'\n${tail}\n`);
  chmodSync(program, 0o755);
  return { program, log };
}

describe('--qr-image takes a PDF sheet', () => {
  it('custos paper restore reads the QR codes of two printed PDF sheets and restores the key', async () => {
    const v = await initVault();
    const sheets = [1, 3].flatMap((n) => ['--qr-image', join(keep, `share-${n}.pdf`)]);
    const printed = json<{ secret: string; sharesUsed: string[] }>(expectOk(await v.run(['paper', 'restore', ...sheets, '--print', '--json'])));
    expect(printed.secret).toBe(key);
    expect(printed.sharesUsed).toEqual([join(keep, 'share-1.pdf'), join(keep, 'share-3.pdf')]);
  }, 60_000);

  it('rasterises into a private folder (0700) that is gone afterwards, also when pdftoppm fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custos-qrpdf-root-'));
    const bin = mkdtempSync(join(tmpdir(), 'custos-qrpdf-bin-'));
    try {
      const ok = recordingPdftoppm(bin, false);
      expect(await decodeQrImage(join(keep, 'share-2.pdf'), { pdftoppm: ok.program, tempRoot: root })).toEqual([mnemonics[1]]);
      const [mode, folder] = readFileSync(ok.log, 'utf8').split('\n')[0]?.split(' ') ?? [];
      expect(mode).toBe('700');
      expect(folder?.startsWith(join(root, 'custos-sheet-'))).toBe(true);
      expect(readdirSync(root)).toEqual([]);

      const failing = recordingPdftoppm(bin, true);
      await expect(decodeQrImage(join(keep, 'share-2.pdf'), { pdftoppm: failing.program, tempRoot: root })).rejects.toMatchObject({ code: 'QR_NOT_FOUND' });
      expect(readFileSync(failing.log, 'utf8')).toMatch(/^700 /);
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('without pdftoppm the error names poppler-utils and says how to make an image instead', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custos-qrpdf-root-'));
    try {
      const error = await decodeQrImage(join(keep, 'share-1.pdf'), { pdftoppm: join(root, 'no-such-pdftoppm'), tempRoot: root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CustosError);
      expect(error).toMatchObject({ code: 'PDFTOPPM_NOT_FOUND', message: expect.stringContaining('poppler-utils') });
      expect((error as Error).message).toContain('pdftoppm -r 150 -png');
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
