import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Unlocks the chain does not hold yet, noted in a sidecar file beside the
 * keystore (`<keystore>.unlocks`, one JSON line each):
 *
 * - a failed unlock: without the master key there is no key to authenticate
 *   an entry, and a wrong key must leave the keystore byte for byte as it was;
 * - every successful unlock, noted the moment the key is verified (so a
 *   session that is never closed, an app quit or a killed process, still
 *   leaves it), MACed with the audit root the session now holds.
 *
 * The next change to the keystore folds every note into the chain, in its
 * own transaction and before its own entries (see AuditSession), so reading
 * never alters the keystore file. Whoever deletes the sidecar before that
 * erases the notes: docs/formats/audit.md says so plainly.
 */
export interface UnlockNote {
  v: 1;
  /** Random, so a fold whose file removal did not happen is not recorded twice. */
  id: string;
  at: string;
  /** `unlock` for a successful unlock; absent (or `unlock-failed`) for a failure. */
  op?: 'unlock' | 'unlock-failed';
  method: string;
  /** The error code of a failure; `OK` for a successful unlock. */
  code: string;
  actor: string | null;
  /** A successful unlock's MAC (hex) under the audit root: without it, the fold records the note as unverified. */
  mac?: string;
}

/** Codes that mean "someone tried a key or passphrase and it was wrong". */
export const RECORDED_UNLOCK_FAILURES: readonly string[] = [
  'WRONG_MASTER_KEY',
  'WRONG_PASSPHRASE',
  'UNLOCK_METHOD_TAMPERED',
  // The HSM and Vault methods' equivalents of a wrong passphrase.
  'HSM_PIN_INCORRECT',
  'HSM_UNWRAP_FAILED',
  'VAULT_FORBIDDEN',
  'VAULT_AUTH_FAILED',
  'VAULT_UNWRAP_FAILED',
];

export function unlockNotesPath(keystorePath: string): string {
  return `${keystorePath}.unlocks`;
}

/** The fields a successful unlock's MAC covers, in order. */
export function noteMacFields(note: Pick<UnlockNote, 'id' | 'at' | 'method' | 'actor'>): Array<string | number> {
  return ['unlock', note.id, note.at, note.method, note.actor ?? ''];
}

const OPEN_APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Appends `text` (file mode 0600, never through a symlink, fsynced). Each
 * record starts on a fresh line, so one cut short by a crash spoils only
 * itself. If a fold renamed the file aside between this open and this write,
 * the text is written again to the fresh sidecar (the fold then records it
 * once: ids). `afterOpen` is for the test of exactly that. Returns null, or why not.
 */
export function appendNoteText(keystorePath: string, text: string, afterOpen?: () => void): string | null {
  const path = unlockNotesPath(keystorePath);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const fd = openSync(path, OPEN_APPEND, 0o600);
      let moved: boolean;
      try {
        afterOpen?.();
        writeSync(fd, `\n${text}`);
        fsyncSync(fd);
        moved = !sameFile(fstatSync(fd).ino, path);
      } finally {
        closeSync(fd);
      }
      if (!moved) return null;
      afterOpen = undefined;
    }
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

function sameFile(ino: number, path: string): boolean {
  try {
    return lstatSync(path).ino === ino;
  } catch {
    return false;
  }
}

const line = (note: UnlockNote) => `${JSON.stringify(note)}\n`;
const newId = () => randomBytes(8).toString('hex');

/** Notes a failed unlock. Returns null, or why it could not. */
export function noteFailedUnlock(keystorePath: string, attempt: { method: string; code: string; actor: string | null }, now = new Date()): string | null {
  return appendNoteText(keystorePath, line({ v: 1, id: newId(), at: now.toISOString(), ...attempt }));
}

/** Notes a verified unlock, MACed by `mac`. Returns the note's id, or null when it could not be written. */
export function noteUnlock(keystorePath: string, unlock: { method: string; actor: string | null; at: Date }, mac: (fields: Array<string | number>) => Uint8Array): string | null {
  const note: UnlockNote = { v: 1, id: newId(), at: unlock.at.toISOString(), op: 'unlock', method: unlock.method, code: 'OK', actor: unlock.actor };
  note.mac = Buffer.from(mac(noteMacFields(note))).toString('hex');
  return appendNoteText(keystorePath, line(note)) === null ? note.id : null;
}

function parse(text: string): UnlockNote | null {
  try {
    const v = JSON.parse(text) as Partial<UnlockNote>;
    const str = (x: unknown, max: number) => typeof x === 'string' && x.length > 0 && x.length <= max;
    if (v.v !== 1 || !str(v.id, 64) || !str(v.at, 64) || !str(v.method, 32) || !str(v.code, 64)) return null;
    if (v.actor !== null && !str(v.actor, 200)) return null;
    if (v.op !== undefined && v.op !== 'unlock' && v.op !== 'unlock-failed') return null;
    if (v.mac !== undefined && !(typeof v.mac === 'string' && /^[0-9a-f]{64}$/.test(v.mac))) return null;
    const note: UnlockNote = { v: 1, id: v.id as string, at: v.at as string, method: v.method as string, code: v.code as string, actor: v.actor ?? null };
    if (v.op === 'unlock') note.op = 'unlock';
    if (v.mac !== undefined) note.mac = v.mac;
    return note;
  } catch {
    return null;
  }
}

export interface ParsedNotes {
  notes: UnlockNote[];
  /** The lines that could not be read, as they are (the fold records how many, and their digest as an id). */
  unreadable: string[];
}

function parseText(text: string): ParsedNotes {
  const result: ParsedNotes = { notes: [], unreadable: [] };
  for (const raw of text.split('\n')) {
    if (raw.trim().length === 0) continue;
    const note = parse(raw);
    if (note) result.notes.push(note);
    else result.unreadable.push(raw);
  }
  return result;
}

/** A file's text, only if it is a regular file (never through a symlink); null when it is gone or is not one. */
function readRegular(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    return readFileSync(fd, 'utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

const CLAIM = /^\.[0-9a-f]{12}\.folding$/;

/** Claim files of this keystore's sidecar: `<keystore>.unlocks.<12 hex>.folding`, and nothing else. */
function claimFiles(keystorePath: string): string[] {
  const notesFile = unlockNotesPath(keystorePath);
  const dir = dirname(notesFile);
  const prefix = basename(notesFile);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix) && CLAIM.test(n.slice(prefix.length))).map((n) => join(dir, n));
}

/** The notes beside the keystore (and in claims a crashed fold left), oldest claim first. */
export function readUnlockNotes(keystorePath: string): ParsedNotes {
  const all: ParsedNotes = { notes: [], unreadable: [] };
  for (const file of [...claimFiles(keystorePath), unlockNotesPath(keystorePath)]) {
    const text = readRegular(file);
    if (text === null) continue;
    const found = parseText(text);
    all.notes.push(...found.notes);
    all.unreadable.push(...found.unreadable);
  }
  return all;
}

/** Notes taken out of the sidecar by a fold: in files of their own until the fold commits or rolls back. */
export interface ClaimedNotes extends ParsedNotes {
  keystorePath: string;
  files: Array<{ path: string; text: string }>;
}

/**
 * Moves the sidecar aside (an atomic rename) so that unlocks noted while the
 * fold's transaction runs go to a fresh sidecar instead of being removed with
 * the folded ones. Claims left by a fold that crashed are taken too (another
 * fold cannot be running: folds happen inside the keystore's write lock);
 * the ids in the chain keep them from being recorded twice.
 */
export function claimUnlockNotes(keystorePath: string): ClaimedNotes {
  const claimed = `${unlockNotesPath(keystorePath)}.${randomBytes(6).toString('hex')}.folding`;
  try {
    renameSync(unlockNotesPath(keystorePath), claimed);
  } catch {
    // no sidecar: nothing noted since the last fold
  }
  const claim: ClaimedNotes = { keystorePath, files: [], notes: [], unreadable: [] };
  for (const path of claimFiles(keystorePath)) {
    const text = readRegular(path);
    if (text === null) continue;
    claim.files.push({ path, text });
    const found = parseText(text);
    claim.notes.push(...found.notes);
    claim.unreadable.push(...found.unreadable);
  }
  return claim;
}

/** The fold committed: its notes are in the chain. */
export function discardClaim(claim: ClaimedNotes): void {
  for (const file of claim.files) rmSync(file.path, { force: true });
}

/**
 * The fold rolled back: its notes go back into the sidecar (appended, after any
 * noted meanwhile). A claim that cannot be returned stays where it is, and the
 * next fold takes it: nothing is lost, and this never masks the rollback's cause.
 */
export function returnClaim(claim: ClaimedNotes): void {
  for (const file of claim.files) {
    try {
      if (appendNoteText(claim.keystorePath, file.text) === null) rmSync(file.path, { force: true });
    } catch {
      // left in place for the next fold
    }
  }
}

/** A stable id for unreadable lines, so the same garbage folded twice (a crashed fold) is recorded once. */
export function unreadableId(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** How many unlocks wait beside the keystore to be folded into the chain (for `audit list`), apart from the note `except`. */
export function pendingUnlockNotes(keystorePath: string, except: string | null = null): { failed: number; unlocked: number; unreadable: number } {
  const found = readUnlockNotes(keystorePath);
  const notes = found.notes.filter((n) => n.id !== except);
  const unlocked = notes.filter((n) => n.op === 'unlock').length;
  return { failed: notes.length - unlocked, unlocked, unreadable: found.unreadable.length };
}
