import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium that prints sheets: the one named explicitly, else the first
 * of the usual names on PATH. Says what to install when there is none.
 */
export function findChromium(explicit: string | undefined, path = process.env['PATH'] ?? ''): string {
  if (explicit) {
    if (!executable(explicit)) throw new CustosError('CHROMIUM_NOT_FOUND', `--chromium ${explicit} is not an executable file`);
    return explicit;
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  throw new CustosError(
    'CHROMIUM_NOT_FOUND',
    'no Chromium found on PATH to print sheets: install it (Debian/Ubuntu: apt install chromium) or name one with --chromium PATH',
  );
}
