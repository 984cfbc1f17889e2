import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import { FOLDER_MODE, PRIVATE_FILE_MODE, fileModeOf, refOf, type AcraKeyFile } from './keystoreV1.js';

/**
 * Acra keystore v1 folders on disk. Writing goes to a temporary sibling
 * folder that is renamed into place once complete, so an interrupted export
 * leaves no half keystore under the final name (at most a hidden temporary
 * folder, which the next export of the same name removes). An export that
 * records itself in the audit log journals the rename (bundle/exportJournal.ts).
 */

const ioError = (what: string, error: unknown) => new CustosError('FILE_IO', `${what}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);

function writeAll(path: string, bytes: Uint8Array, mode: number, flags: string, sync = true): void {
  const fd = openSync(path, flags, mode);
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The umask may have taken bits off (or a restrictive one more): Acra checks exact modes.
  chmodSync(path, mode);
}

/**
 * Flushes the files written to disk before the folder is renamed into place.
 * One syncfs (`sync -f`) costs a fraction of a second where an fsync per file
 * cost 11 ms each here (45 s for 4,000 files); where `sync -f` is missing,
 * each file is flushed on its own.
 */
function flushFiles(folder: string, paths: readonly string[]): void {
  try {
    execFileSync('sync', ['-f', folder], { stdio: 'ignore' });
    return;
  } catch {
    // no `sync -f` here (not GNU coreutils): the slow, portable way
  }
  for (const path of paths) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A new file of mode 0600 (never over an existing one: FILE_EXISTS), flushed to disk. */
export function writeNewPrivateFile(path: string, bytes: Uint8Array): void {
  try {
    writeAll(path, bytes, PRIVATE_FILE_MODE, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CustosError('FILE_EXISTS', `${path} exists already; it is never overwritten`);
    throw ioError(`cannot write ${path}`, error);
  }
}

const TEMP_MARK = '.custos-partial-';

/** Whether a folder exists and holds anything. */
function holdsFiles(path: string): boolean {
  try {
    return readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

/** A keystore folder written and flushed under a temporary name, not yet in place. */
export interface StagedFolder {
  target: string;
  temp: string;
  /** Where the folder it replaces is kept until the export commits (named up front for a journal). */
  keep: string;
  dev: number;
  ino: number;
  /** Puts the folder under its name; what was there (an empty folder, or a full one with force) goes to `keep`. */
  publish(): void;
  /** Takes the published folder back and puts back what it replaced (a later step failed). */
  unpublish(): void;
  /** Removes the temporary folder and the replaced one; safe at any point, and again. */
  discard(): void;
}

/**
 * Writes the files as a keystore v1 folder beside `out` (0700, files 0600 or
 * 0644, sub-folders 0700) and flushes them. An existing folder that holds
 * anything is FILE_EXISTS unless `force`, which replaces it whole.
 */
export function stageKeystoreFolder(out: string, files: readonly AcraKeyFile[], options: { force?: boolean | undefined } = {}): StagedFolder {
  const target = resolve(out);
  if (existsSync(target)) {
    if (!lstatSync(target).isDirectory()) throw new CustosError('FILE_EXISTS', `${target} exists and is not a folder`);
    if (holdsFiles(target) && !options.force) throw new CustosError('FILE_EXISTS', `${target} holds files already; an export never mixes keys into it (pass --force to replace the whole folder)`);
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  for (const stale of readdirSync(parent)) {
    if (stale.startsWith(`.${basename(target)}${TEMP_MARK}`)) rmSync(join(parent, stale), { recursive: true, force: true });
  }
  const temp = join(parent, `.${basename(target)}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
  const keep = join(parent, `.${basename(target)}${TEMP_MARK}old-${randomBytes(6).toString('hex')}`);
  let published = false;
  let replaced = false;
  const staged: StagedFolder = {
    target,
    temp,
    keep,
    dev: 0,
    ino: 0,
    publish() {
      try {
        if (existsSync(target)) {
          renameSync(target, keep);
          replaced = true;
        }
        renameSync(temp, target);
        published = true;
        fsyncDir(parent);
      } catch (error) {
        throw ioError(`cannot write the keystore folder ${target}`, error);
      }
    },
    unpublish() {
      if (published) rmSync(target, { recursive: true, force: true });
      if (replaced) renameSync(keep, target);
      published = replaced = false;
    },
    discard() {
      rmSync(temp, { recursive: true, force: true });
      if (replaced) rmSync(keep, { recursive: true, force: true });
      replaced = false;
    },
  };
  try {
    mkdirSync(temp, { mode: FOLDER_MODE });
    chmodSync(temp, FOLDER_MODE);
    const written: string[] = [];
    for (const file of files) {
      const path = join(temp, ...file.path.split('/'));
      const folder = dirname(path);
      if (!existsSync(folder)) {
        mkdirSync(folder, { recursive: true, mode: FOLDER_MODE });
        for (let dir = folder; dir !== temp; dir = dirname(dir)) chmodSync(dir, FOLDER_MODE);
      }
      writeAll(path, file.bytes, fileModeOf(refOf(file.path)), 'wx', false);
      written.push(path);
    }
    flushFiles(temp, written);
    fsyncDir(temp);
    const { dev, ino } = lstatSync(temp);
    return Object.assign(staged, { dev, ino });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (error instanceof CustosError) throw error;
    throw ioError(`cannot write the keystore folder ${target}`, error);
  }
}

/** Writes the files as a keystore v1 folder at `out` and puts it in place (see `stageKeystoreFolder`). */
export function writeKeystoreFolder(out: string, files: readonly AcraKeyFile[], options: { force?: boolean | undefined } = {}): void {
  const staged = stageKeystoreFolder(out, files, options);
  try {
    staged.publish();
  } catch (error) {
    staged.unpublish();
    throw error;
  } finally {
    staged.discard();
  }
}

/**
 * Every key file of a keystore v1 folder, with paths relative to it ('/'
 * separators): top-level files, `.poison_key/`, and the `<file>.old/`
 * folders of rotated versions. Anything else (another folder, a link, a
 * `version` file of keystore v2) is ACRA_KEYSTORE_MALFORMED; names are
 * checked by the caller.
 */
export function readKeystoreFolder(dir: string): AcraKeyFile[] {
  const root = resolve(dir);
  let stat;
  try {
    stat = lstatSync(root);
  } catch (error) {
    throw new CustosError('FILE_IO', `cannot read ${root}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!stat.isDirectory()) throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${root} is not a folder`);
  if (existsSync(join(root, 'version'))) throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${root} holds a 'version' file: it is an Acra keystore v2, which this command does not read (only keystore v1 folders)`);
  const files: AcraKeyFile[] = [];
  const walk = (relative: string, depth: number) => {
    const full = join(root, ...relative.split('/').filter(Boolean));
    for (const name of readdirSync(full).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const entry = lstatSync(join(full, name));
      if (entry.isFile()) files.push({ path, bytes: new Uint8Array(readFileSync(join(full, name))) });
      else if (entry.isDirectory() && depth < 2 && (name.endsWith('.old') || (depth === 0 && name === '.poison_key'))) walk(path, depth + 1);
      else throw new CustosError('ACRA_KEYSTORE_MALFORMED', `${path}: a stray ${entry.isDirectory() ? 'folder' : 'entry'} in the keystore folder (Acra keeps only key files, .poison_key/ and <file>.old/ folders there)`);
    }
  };
  walk('', 0);
  return files;
}
