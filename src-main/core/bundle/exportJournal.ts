import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CustosError } from '../../../shared/errors.js';
import type { OutputFile } from '../files/outputFile.js';
import { newDatabase } from '../keystore/sqlite.js';

/**
 * An export publishes two files, and no file system puts two names in place
 * at once. So an export keeps a journal beside the keystore while it
 * publishes (docs/formats/bundle.md, "Crash safety"):
 *
 *   1. both files written under temporary names and fsynced;
 *   2. the journal (what goes where, each file's inode) written and fsynced;
 *   3. both files put under their final names;
 *   4. the export's audit entry committed: the one commit point;
 *   5. the journal removed.
 *
 * A process killed in between leaves the journal. The next process that
 * opens the keystore (or starts an export) settles it: with the audit entry
 * committed, the export stands and only leftovers go; without it, each
 * final name that still holds this export's file (same inode) is removed,
 * or the file it replaced (--force) put back. Either way: both files under
 * their names and the export in the log, or neither.
 *
 * An Acra keystore export (core/acra/exportKeys.ts) publishes one folder the
 * same way: its entry says `dir`, its export id is the audit subject's
 * `exportId`, and a folder that did not commit is removed whole.
 */

/** One published file, or (`dir`) one folder, of an export. */
export interface JournalFile {
  final: string;
  temp: string;
  keep: string;
  dev: number;
  ino: number;
  dir?: boolean;
}

interface Journal {
  pid: number;
  /** The bundle id of a bundle export, or the `exportId` of an Acra keystore export's audit subject. */
  bundleId: string;
  files: JournalFile[];
}

const PREFIX = (keystorePath: string) => `.${basename(keystorePath)}.export-`;

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Step 2: returns the journal's path; the caller removes it with `closeJournal` once the audit entry committed. */
export function openJournal(keystorePath: string, bundleId: string, files: readonly OutputFile[]): string {
  return openJournalOf(
    keystorePath,
    bundleId,
    files.map((f) => {
      const id = f.identity;
      if (!id) throw new RangeError('seal the files before journalling them');
      return { final: f.path, temp: f.tempPath, keep: f.keepPath, dev: id.dev, ino: id.ino };
    }),
  );
}

/** Step 2 for any export: `id` is what its audit subject holds as `bundleId` or `exportId`. */
export function openJournalOf(keystorePath: string, id: string, files: readonly JournalFile[]): string {
  if (!/^[0-9a-f]+$/.test(id)) throw new RangeError('an export id is hex');
  const path = join(dirname(keystorePath), `${PREFIX(keystorePath)}${id}.json`);
  const journal: Journal = { pid: process.pid, bundleId: id, files: [...files] };
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(journal));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(dirname(path));
  } catch (error) {
    rmSync(path, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new CustosError('DISK_FULL', `cannot write the export's journal beside the keystore (${code}): the disk is full; nothing was exported`, { cause: error });
    throw new CustosError('FILE_IO', `cannot write the export's journal ${path}: ${code ?? String(error)}; nothing was exported`, { cause: error });
  }
  return path;
}

export function closeJournal(path: string): void {
  rmSync(path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isOurs(path: string, f: JournalFile): boolean {
  try {
    const st = lstatSync(path);
    return st.dev === f.dev && st.ino === f.ino;
  } catch {
    return false;
  }
}

/** Takes back one file of an export that did not commit: its final name is freed, or given back what it replaced. */
function rollBack(f: JournalFile): void {
  const gone = { force: true, recursive: Boolean(f.dir) };
  if (isOurs(f.final, f)) {
    if (isOurs(f.keep, f)) rmSync(f.keep, gone);
    else {
      // A folder cannot be renamed over a full one: ours goes first, then the replaced one comes back.
      if (f.dir) rmSync(f.final, gone);
      try {
        lstatSync(f.keep);
        renameSync(f.keep, f.final);
      } catch {
        rmSync(f.final, gone);
      }
    }
  } else if (f.dir && !exists(f.final) && exists(f.keep)) {
    // Killed between moving the replaced folder aside and renaming ours in: it goes back.
    renameSync(f.keep, f.final);
  }
  rmSync(f.keep, gone);
  rmSync(f.temp, gone);
}

function committed(keystorePath: string, bundleId: string): boolean {
  const db = newDatabase(keystorePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM audit_log WHERE operation = 'export' AND (json_extract(subject, '$.bundleId') = ? OR json_extract(subject, '$.exportId') = ?)").get(bundleId, bundleId) !== undefined;
  } finally {
    db.close();
  }
}

/**
 * Settles the exports of this keystore that a crash cut short (see above);
 * an export whose process still runs is left alone. Returns how many were
 * settled. Never throws: a journal it cannot settle stays for the next run.
 */
export function settleInterruptedExports(keystorePath: string): number {
  let names: string[];
  try {
    names = readdirSync(dirname(keystorePath)).filter((n) => n.startsWith(PREFIX(keystorePath)) && n.endsWith('.json'));
  } catch {
    return 0;
  }
  let settled = 0;
  for (const name of names) {
    const path = join(dirname(keystorePath), name);
    try {
      const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
      // Still running (this process included: an export in progress here), or a reused pid: left for later.
      if (alive(journal.pid)) continue;
      if (committed(keystorePath, journal.bundleId)) {
        for (const f of journal.files) for (const leftover of [f.temp, f.keep]) rmSync(leftover, { force: true, recursive: Boolean(f.dir) });
      } else {
        for (const f of journal.files) rollBack(f);
      }
      rmSync(path, { force: true });
      settled++;
    } catch (error) {
      // Torn before it was fsynced, the journal was written before any file was published: nothing to take back.
      if (error instanceof SyntaxError) rmSync(path, { force: true });
    }
  }
  return settled;
}
