import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CustosError } from '../../../../shared/errors.js';

/**
 * Reads every QR code in a PNG or JPEG scan with zbarimg (Debian: zbar-tools).
 * Returns the decoded texts, one per code. zbarimg exits 4 when it finds none.
 */
export function decodeQrImage(path: string, zbarimg = 'zbarimg'): Promise<string[]> {
  if (!existsSync(path)) return Promise.reject(new CustosError('INVALID_ARGUMENT', `no such image: ${path}`));
  return new Promise((resolve, reject) => {
    execFile(zbarimg, ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', path], { encoding: 'utf8', maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new CustosError('ZBAR_NOT_FOUND', 'zbarimg is needed to read QR images: install it (Debian/Ubuntu: apt install zbar-tools)'));
          return;
        }
        if ((error as { code?: unknown }).code === 4) {
          reject(new CustosError('QR_NOT_FOUND', `no QR code could be read in ${path}; rescan it flatter and brighter, or type the words`));
          return;
        }
        reject(new CustosError('QR_NOT_FOUND', `zbarimg could not read ${path}`));
        return;
      }
      resolve(stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0));
    });
  });
}
