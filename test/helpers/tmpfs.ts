import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small real file system for full-disk tests: a tmpfs mounted by the test,
 * which needs root (or CAP_SYS_ADMIN). `tmpfsUnavailable` says why not where
 * it cannot be done, so the tests skip saying so.
 */
let reason: string | null | undefined;

export function tmpfsUnavailable(): string | null {
  if (reason === undefined) {
    if (process.platform !== 'linux') reason = `not Linux (${process.platform})`;
    else if (process.getuid?.() !== 0) reason = `not root (uid ${process.getuid?.()}): mounting a tmpfs needs root`;
    else {
      const probe = mkdtempSync(join(tmpdir(), 'custos-tmpfs-probe-'));
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
      if (mounted.status === 0) {
        spawnSync('umount', [probe]);
        reason = null;
      } else reason = `mount -t tmpfs is not allowed here: ${(mounted.stderr || String(mounted.error)).trim()}`;
      rmSync(probe, { recursive: true, force: true });
    }
  }
  return reason;
}

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the disk is full (ENOSPC); returns its path. */
  fill(): string;
  /** Removes every filler file. */
  free(): void;
  /** Remounts read-only, or read-write again. */
  readOnly(on: boolean): void;
  unmount(): void;
}

export function mountTmpfs(sizeKiB: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'custos-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir]);
  const fillers: string[] = [];
  return {
    dir,
    fill() {
      const path = join(dir, `filler-${fillers.length}`);
      fillers.push(path);
      const fd = openSync(path, 'w');
      const block = Buffer.alloc(4096, 0xa5);
      try {
        for (;;) writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return path;
    },
    free() {
      for (const path of fillers.splice(0)) rmSync(path, { force: true });
    },
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir]);
    },
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
