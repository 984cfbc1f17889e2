import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';

/** True when anything (a file, a folder, a dangling link) is at `path`. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A full disk is its own code: the fix (free space, run again) differs from a permission or a bad path. */
const ioError = (what: string, path: string, error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new CustosError('DISK_FULL', `cannot ${what} ${path}: the disk is full (${code}); nothing was kept. Free some space and run again`, { cause: error });
  return new CustosError('FILE_IO', `cannot ${what} ${path}: ${code ?? (error as Error).message}`, { cause: error });
};

/** Fails early (before a passphrase is asked for, say) when an output file exists and may not be replaced. */
export function refuseExisting(paths: readonly string[], force: boolean, hint = ''): void {
  for (const path of paths.map((p) => resolve(p))) {
    if (!force && pathExists(path)) throw new CustosError('FILE_EXISTS', `${path} exists already; refusing to overwrite it${hint}`);
  }
}

/**
 * A file written under a temporary name in its final folder (mode 0600),
 * fsynced, and only then put in place: hard-linked when it must not replace
 * anything (link fails if the name exists), renamed over the old file with
 * `force`. A crash leaves at most a `.partial-*` file, never a short file
 * under the final name. A file replaced with `force` is kept (a hard link,
 * `.replaced-*`) until `discard`, so `unpublish` can put it back when a later
 * step of the same operation fails.
 */
export class OutputFile {
  readonly path: string;
  private readonly temp: string;
  private fd: number | null;
  private published = false;
  private replaced: string | null = null;
  /** Named up front, so a journal written before `publish` can say where a replaced file is kept. */
  readonly keepPath: string;
  /** The temporary file's device and inode: the same file under the final name after a link or rename. */
  private fileId: { dev: number; ino: number } | null = null;

  /**
   * `hint` ends the refusal message, e.g. " (pass --force to replace it)".
   * `temp` names the temporary file instead of a random hidden one, for a
   * file a person must be able to find after a crash (a new master key).
   */
  constructor(
    path: string,
    private readonly force: boolean,
    hint = '',
    temp?: string,
  ) {
    this.path = resolve(path);
    refuseExisting([this.path], force, hint);
    this.temp = temp ? resolve(temp) : join(dirname(this.path), `.${basename(this.path)}.partial-${randomBytes(6).toString('hex')}`);
    this.keepPath = join(dirname(this.path), `.${basename(this.path)}.replaced-${randomBytes(6).toString('hex')}`);
    try {
      this.fd = openSync(this.temp, 'wx', 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (error) {
      throw ioError('create', this.temp, error);
    }
  }

  get replaces(): boolean {
    return this.force;
  }

  /** Device and inode of the sealed file (after `seal`), which a link or rename keeps. */
  get identity(): { dev: number; ino: number } | null {
    return this.fileId;
  }

  get isPublished(): boolean {
    return this.published;
  }

  /** Where the content is until `publish`. */
  get tempPath(): string {
    return this.temp;
  }

  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new RangeError('write after close');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      throw ioError('write', this.temp, error);
    }
  }

  /** Makes the content durable under the temporary name; `publish` then puts it in place. */
  seal(): void {
    if (this.fd === null) return;
    try {
      fsyncSync(this.fd);
      const { dev, ino } = fstatSync(this.fd);
      this.fileId = { dev, ino };
      closeSync(this.fd);
      this.fd = null;
    } catch (error) {
      throw ioError('write', this.temp, error);
    }
  }

  publish(): void {
    this.seal();
    try {
      if (this.force) this.replaceInPlace();
      else this.linkIntoPlace();
      this.published = true;
      const dir = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CustosError('FILE_EXISTS', `${this.path} appeared while it was being written; left it alone`);
      throw ioError('write', this.path, error);
    }
  }

  /**
   * Puts the file in place without replacing anything: a hard link fails if
   * the name exists. FAT and exFAT (most USB sticks) have no hard links; there
   * a rename after a check is the best the filesystem offers.
   */
  private linkIntoPlace(): void {
    try {
      linkSync(this.temp, this.path);
      rmSync(this.temp, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
      if (pathExists(this.path)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      renameSync(this.temp, this.path);
    }
  }

  /** Keeps what is at the name (a hard link; a rename where links are not supported), then renames the new file over it. */
  private replaceInPlace(): void {
    if (pathExists(this.path)) {
      const keep = this.keepPath;
      try {
        linkSync(this.path, keep);
      } catch {
        renameSync(this.path, keep);
      }
      this.replaced = keep;
    }
    renameSync(this.temp, this.path);
  }

  /** Takes back a file this object published (when a later step of the same operation failed), putting back what it replaced. */
  unpublish(): void {
    if (this.published) {
      if (this.replaced) renameSync(this.replaced, this.path);
      else rmSync(this.path, { force: true });
    }
    this.replaced = null;
    this.published = false;
  }

  /** Removes the temporary file, and the kept copy of a replaced one; safe to call at any point, and again. */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.temp, { force: true });
    if (this.replaced) rmSync(this.replaced, { force: true });
    this.replaced = null;
  }
}

/** Publishes every file or none: on a failure the ones already in place are taken back. */
export function publishAll(files: readonly OutputFile[]): void {
  try {
    for (const file of files) file.publish();
  } catch (error) {
    for (const file of files) file.unpublish();
    throw error;
  }
}
