import { execFile } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';

/** What execFile reports: the exit status, or a string such as ENOENT when the program is missing. */
type ExecError = Error & { code?: number | string };

function run(program: string, args: readonly string[]): Promise<{ error: ExecError | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { encoding: 'utf8', maxBuffer: 1 << 20 }, (error, stdout) => resolve({ error: error as ExecError | null, stdout }));
  });
}

function isPdf(path: string): boolean {
  const head = Buffer.alloc(5);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return readSync(fd, head, 0, 5, 0) === 5 && head.toString('latin1') === '%PDF-';
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    closeSync(fd);
  }
}

async function zbar(images: readonly string[], shown: string, zbarimg: string): Promise<string[]> {
  const { error, stdout } = await run(zbarimg, ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', ...images]);
  if (error?.code === 'ENOENT') throw new CustosError('ZBAR_NOT_FOUND', 'zbarimg is needed to read QR images: install it (Debian/Ubuntu: apt install zbar-tools)');
  if (error?.code === 4) throw new CustosError('QR_NOT_FOUND', `no QR code could be read in ${shown}; rescan it flatter and brighter, or type the words`);
  if (error) throw new CustosError('QR_NOT_FOUND', `zbarimg could not read ${shown}`);
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

/**
 * A PDF sheet is rasterised at 150 dpi by pdftoppm (Debian: poppler-utils),
 * as a person would scan it. The page images hold the share's QR code, so
 * they go to a folder only this user can read and are deleted afterwards,
 * whatever happens.
 */
async function decodePdf(path: string, tools: Required<QrTools>): Promise<string[]> {
  const { zbarimg, pdftoppm } = tools;
  const dir = mkdtempSync(join(tools.tempRoot, 'custos-sheet-'));
  try {
    chmodSync(dir, 0o700);
    const { error } = await run(pdftoppm, ['-r', '150', '-png', path, join(dir, 'page')]);
    if (error?.code === 'ENOENT') {
      throw new CustosError(
        'PDFTOPPM_NOT_FOUND',
        `reading a PDF sheet needs pdftoppm: install poppler-utils (Debian/Ubuntu: apt install poppler-utils), or give a PNG or JPEG scan of the sheet instead (for example: pdftoppm -r 150 -png ${path} sheet)`,
      );
    }
    if (error) throw new CustosError('QR_NOT_FOUND', `pdftoppm could not read ${path} as a PDF`);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f));
    if (pages.length === 0) throw new CustosError('QR_NOT_FOUND', `${path} has no pages`);
    return await zbar(pages, path, zbarimg);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The programs used, and where page images of a PDF go (default: the system's temporary folder). */
export interface QrTools {
  zbarimg?: string;
  pdftoppm?: string;
  tempRoot?: string;
}

/**
 * Reads every QR code in a PNG or JPEG scan with zbarimg (Debian: zbar-tools),
 * or in a PDF sheet as printed (every page; told apart by its %PDF- header,
 * not its name). Returns the decoded texts, one per code.
 */
export async function decodeQrImage(path: string, tools: QrTools = {}): Promise<string[]> {
  if (!existsSync(path)) throw new CustosError('INVALID_ARGUMENT', `no such image: ${path}`);
  const all = { zbarimg: tools.zbarimg ?? 'zbarimg', pdftoppm: tools.pdftoppm ?? 'pdftoppm', tempRoot: tools.tempRoot ?? tmpdir() };
  if (isPdf(path)) return decodePdf(path, all);
  return zbar([path], path, all.zbarimg);
}
