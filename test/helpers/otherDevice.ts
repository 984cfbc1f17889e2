import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/**
 * A fresh folder on another file system than the temporary folder (where the tests'
 * keystores live), as a USB stick is: under /dev/shm (tmpfs). null, with the reason,
 * when /dev/shm is missing or on the same device here.
 */
export function otherDeviceDir(): { dir: string | null; reason: string } {
  try {
    if (statSync('/dev/shm').dev === statSync(tmpdir()).dev) return { dir: null, reason: `/dev/shm is on the same device as ${tmpdir()} on this machine` };
    const dir = mkdtempSync(join('/dev/shm', 'custos-test-'));
    made.push(dir);
    return { dir, reason: '' };
  } catch (error) {
    return { dir: null, reason: `/dev/shm is not usable here: ${(error as Error).message}` };
  }
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
