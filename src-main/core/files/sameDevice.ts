import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The device (st_dev) that holds `path`, or would hold it: for a folder not
 * made yet, its nearest existing parent. Links are followed, so a link to a
 * USB stick's mount point counts as the stick.
 */
export function deviceOf(path: string): number {
  let at = resolve(path);
  for (;;) {
    try {
      return statSync(at).dev;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw error;
      at = parent;
    }
  }
}

/** True when both paths are (or would be) on one file system: deleting a file there may leave it readable on the disk. */
export function onSameDevice(a: string, b: string): boolean {
  return deviceOf(a) === deviceOf(b);
}
