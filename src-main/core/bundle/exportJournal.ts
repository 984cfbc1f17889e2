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
 */

interface JournalFile {
  final: string;
  temp: string;
  keep: string;
  dev: number;
  ino: number;
}

interface Journal {
  pid: number;
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
  const path = join(dirname(keystorePath), `${PREFIX(keystorePath)}${bundleId}.json`);
  const journal: Journal = {
    pid: process.pid,
    bundleId,
    files: files.map((f) => {
      const id = f.identity;
      if (!id) throw new RangeError('seal the files before journalling them');
      return { final: f.path, temp: f.tempPath, keep: f.keepPath, dev: id.dev, ino: id.ino };
    }),
  };
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
  if (isOurs(f.final, f)) {
    if (isOurs(f.keep, f)) rmSync(f.keep, { force: true });
    else {
      try {
        lstatSync(f.keep);
        renameSync(f.keep, f.final);
      } catch {
        rmSync(f.final, { force: true });
      }
    }
  }
  rmSync(f.keep, { force: true });
  rmSync(f.temp, { force: true });
}

function committed(keystorePath: string, bundleId: string): boolean {
  const db = newDatabase(keystorePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM audit_log WHERE operation = 'export' AND json_extract(subject, '$.bundleId') = ?").get(bundleId) !== undefined;
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
        for (const f of journal.files) for (const leftover of [f.temp, f.keep]) rmSync(leftover, { force: true });
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
