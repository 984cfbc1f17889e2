import { existsSync, statfsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { CustosError } from '../../../shared/errors.js';
import { nativeLoadError } from '../nativeModules.js';

export type Db = Database.Database;

let loaded: typeof Database | undefined;

/**
 * better-sqlite3 (a native addon) is required on first use, not imported, so
 * that commands which never open a keystore (`--help`, `--version`) start fast.
 */
export function sqliteDatabase(): typeof Database {
  loaded ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return loaded;
}

let nodeAddon: string | null | undefined;

/**
 * The Node build of the addon, by its path: without one, better-sqlite3 finds
 * it through the `bindings` package, which probes a dozen paths (about 10 ms of
 * every command). null when it is not where npm builds it (bindings then looks).
 */
function nodeAddonPath(): string | null {
  if (nodeAddon === undefined) {
    const addon = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3')), '..', 'build', 'Release', 'better_sqlite3.node');
    nodeAddon = existsSync(addon) ? addon : null;
  }
  return nodeAddon;
}

/** A connection through the addon this process uses: Electron's when set (useNativeBinding), else Node's. */
export function newDatabase(path: string, options: Database.Options = {}): Db {
  const binding = nativeBinding ?? nodeAddonPath();
  const Sqlite = sqliteDatabase();
  try {
    return new Sqlite(path, { ...options, ...(binding ? { nativeBinding: binding } : {}) });
  } catch (error) {
    // The addon is loaded here, on the first connection: a build for another runtime says so, with the fix.
    throw nativeLoadError('better-sqlite3', error) ?? error;
  }
}

/** 'CSTS' — marks a SQLite file as a Custos keystore. */
export const APPLICATION_ID = 0x43535453;

/**
 * SQLite reports some writes on a full disk as plain I/O errors (growing the
 * -shm index at open is SQLITE_IOERR_SHMSIZE): a file system with no block
 * left for us makes those DISK_FULL, which says what to do about it.
 */
function diskFull(path: string): boolean {
  try {
    return statfsSync(dirname(path)).bavail === 0;
  } catch {
    return false;
  }
}

/** Maps SQLite's failures to stable codes; other errors pass through unchanged. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if (error instanceof CustosError) return error;
  const code = (error as { code?: unknown }).code;
  // A damaged header (file format numbers past SQLite's own) is a plain SQLITE_ERROR "unsupported file format".
  const unsupported = code === 'SQLITE_ERROR' && (error as Error).message === 'unsupported file format';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_VTAB' || unsupported) {
    return new CustosError('KEYSTORE_CORRUPT', `${path} is damaged or is not a SQLite database`, { cause: error });
  }
  // Another connection holds the write lock past the busy timeout (5 s): a second custos, or the app.
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new CustosError('KEYSTORE_IN_USE', `${path} is being written by another process (a second custos, or the app); nothing was changed. Run the command again once it has finished`, { cause: error });
  }
  if (code === 'SQLITE_FULL' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR') && diskFull(path))) return new CustosError('DISK_FULL', `the disk holding ${path} is full; nothing was changed. Free some space and run the command again`, { cause: error });
  if (typeof code === 'string' && /^SQLITE_(CANTOPEN|READONLY|IOERR|PERM)/.test(code)) {
    return new CustosError('KEYSTORE_IO', `cannot use ${path}: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

export function guardSqlite<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translateSqliteError(error, path);
  }
}

/**
 * Opens a SQLite file without writing to it. The caller checks the header
 * fields (application id, schema version) and only then calls
 * `applyPragmas`, so a file that is not ours is never touched.
 */
export function openSqlite(path: string): Db {
  return guardSqlite(path, () => newDatabase(path, { fileMustExist: true }));
}

let nativeBinding: string | undefined;

/**
 * Electron needs better-sqlite3 built for its own ABI; the app's worker points
 * here at that build so the Node build in node_modules (tests, CLI) stays as is.
 */
export function useNativeBinding(path: string | undefined): void {
  nativeBinding = path;
}

export function readHeader(db: Db, path: string): { applicationId: number; userVersion: number } {
  return guardSqlite(path, () => ({
    applicationId: db.pragma('application_id', { simple: true }) as number,
    userVersion: db.pragma('user_version', { simple: true }) as number,
  }));
}

const SYNCHRONOUS_FULL = 2;

/**
 * Per-connection settings, none of which writes to the file: synchronous=FULL
 * (better-sqlite3 leaves WAL at NORMAL, which can lose the last commits on
 * power loss), read back so a silent refusal is an error; secure_delete so
 * freed space is zeroed and destroyed key material does not linger.
 */
export function applyConnectionPragmas(db: Db, path: string): void {
  guardSqlite(path, () => {
    db.pragma('synchronous = FULL');
    const sync = db.pragma('synchronous', { simple: true });
    if (sync !== SYNCHRONOUS_FULL) throw new CustosError('KEYSTORE_IO', `${path}: synchronous is ${String(sync)}, expected FULL (2)`);
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
  });
}

/**
 * Switches the file to WAL. This writes the file header when it is in
 * rollback-journal mode (a copy made with VACUUM INTO is), so callers run it
 * only once the master key is verified.
 */
export function applyJournalMode(db: Db, path: string): void {
  guardSqlite(path, () => {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new CustosError('KEYSTORE_IO', `${path}: journal_mode is ${String(mode)}, expected wal`);
  });
}

/** Both of the above, for a file being created. */
export function applyPragmas(db: Db, path: string): void {
  applyJournalMode(db, path);
  applyConnectionPragmas(db, path);
}

/** A damaged page met mid-stream is SQLite's error thrown from `next()`: typed like every other read (KEYSTORE_CORRUPT, …). */
export function* guardedRows<T>(path: string, rows: Iterator<T>): Generator<T> {
  try {
    for (;;) {
      const step = guardSqlite(path, () => rows.next());
      if (step.done === true) return;
      yield step.value;
    }
  } finally {
    rows.return?.();
  }
}
