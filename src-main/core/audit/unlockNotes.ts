import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Unlocks that have not reached the chain yet, noted in a sidecar file beside
 * the keystore (`<keystore>.unlocks`, one JSON line each):
 *
 * - a failed unlock: without the master key there is no key to authenticate
 *   an entry, and a wrong key must leave the keystore byte for byte as it was;
 * - a successful unlock whose session changed nothing: writing its entry
 *   would alter the keystore on every inspection (`check`, `audit verify`,
 *   `keys list`), and make bad input after unlocking change the file.
 *
 * The next change to the keystore folds every note into the chain, in its
 * own transaction, and then removes the file. Whoever deletes the sidecar
 * before that erases the evidence: docs/formats/audit.md says so plainly.
 */
export interface UnlockNote {
  v: 1;
  /** Random, so a fold that crashed before removing the file is not recorded twice. */
  id: string;
  at: string;
  /** `unlock` for a session that opened and changed nothing; absent (or `unlock-failed`) for a failure. */
  op?: 'unlock' | 'unlock-failed';
  method: string;
  /** The error code of a failure; `OK` for a successful unlock. */
  code: string;
  actor: string | null;
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

function append(keystorePath: string, line: UnlockNote | string): string | null {
  try {
    const fd = openSync(unlockNotesPath(keystorePath), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, typeof line === 'string' ? line : `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** Notes a failed unlock (file mode 0600, never through a symlink). Returns null, or why it could not. */
export function noteFailedUnlock(keystorePath: string, attempt: { method: string; code: string; actor: string | null }, now = new Date()): string | null {
  return append(keystorePath, { v: 1, id: randomBytes(8).toString('hex'), at: now.toISOString(), ...attempt });
}

/** Notes a successful unlock whose session made no change. Returns null, or why it could not. */
export function noteQuietUnlock(keystorePath: string, unlock: { method: string; actor: string | null; at: Date }): string | null {
  return append(keystorePath, { v: 1, id: randomBytes(8).toString('hex'), at: unlock.at.toISOString(), op: 'unlock', method: unlock.method, code: 'OK', actor: unlock.actor });
}

function parse(line: string): UnlockNote | null {
  try {
    const v = JSON.parse(line) as Partial<UnlockNote>;
    const text = (x: unknown, max: number) => typeof x === 'string' && x.length > 0 && x.length <= max;
    if (v.v !== 1 || !text(v.id, 64) || !text(v.at, 64) || !text(v.method, 32) || !text(v.code, 64)) return null;
    if (v.actor !== null && !text(v.actor, 200)) return null;
    if (v.op !== undefined && v.op !== 'unlock' && v.op !== 'unlock-failed') return null;
    const note: UnlockNote = { v: 1, id: v.id as string, at: v.at as string, method: v.method as string, code: v.code as string, actor: v.actor ?? null };
    return v.op === 'unlock' ? { ...note, op: 'unlock' } : note;
  } catch {
    return null;
  }
}

function parseText(text: string): { notes: UnlockNote[]; unreadable: number } {
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const notes = lines.map(parse).filter((a): a is UnlockNote => a !== null);
  return { notes, unreadable: lines.length - notes.length };
}

/** The notes, oldest first, and how many lines could not be read; null when there is no sidecar. */
export function readUnlockNotes(keystorePath: string): { notes: UnlockNote[]; unreadable: number } | null {
  try {
    return parseText(readFileSync(unlockNotesPath(keystorePath), 'utf8'));
  } catch {
    return null;
  }
}

/** Notes taken out of the sidecar by a fold: in files of their own until the fold commits or rolls back. */
export interface ClaimedNotes {
  keystorePath: string;
  files: string[];
  notes: UnlockNote[];
  unreadable: number;
}

const CLAIM_SUFFIX = '.folding';

/**
 * Moves the sidecar aside (an atomic rename) so that unlocks noted while the
 * fold's transaction runs go to a fresh sidecar instead of being removed with
 * the folded ones. Claims left by a fold that crashed are taken too; the ids
 * in the chain keep them from being recorded twice.
 */
export function claimUnlockNotes(keystorePath: string): ClaimedNotes {
  const notesFile = unlockNotesPath(keystorePath);
  const prefix = `${basename(notesFile)}.`;
  const claimed = join(dirname(notesFile), `${prefix}${randomBytes(6).toString('hex')}${CLAIM_SUFFIX}`);
  try {
    renameSync(notesFile, claimed);
  } catch {
    // no sidecar: nothing noted since the last fold
  }
  let files: string[] = [];
  try {
    files = readdirSync(dirname(notesFile))
      .filter((f) => f.startsWith(prefix) && f.endsWith(CLAIM_SUFFIX))
      .map((f) => join(dirname(notesFile), f))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  } catch {
    files = [];
  }
  const claim: ClaimedNotes = { keystorePath, files, notes: [], unreadable: 0 };
  for (const file of files) {
    const found = parseText(readFileSync(file, 'utf8'));
    claim.notes.push(...found.notes);
    claim.unreadable += found.unreadable;
  }
  return claim;
}

/** The fold committed: its notes are in the chain. */
export function discardClaim(claim: ClaimedNotes): void {
  for (const file of claim.files) rmSync(file, { force: true });
}

/**
 * The fold rolled back: its notes go back into the sidecar (appended, after any
 * noted meanwhile). A claim that cannot be returned stays where it is, and the
 * next fold takes it: nothing is lost, and this never masks the rollback's cause.
 */
export function returnClaim(claim: ClaimedNotes): void {
  for (const file of claim.files) {
    try {
      const text = readFileSync(file, 'utf8');
      if (text.length > 0 && append(claim.keystorePath, text) !== null) continue;
      rmSync(file, { force: true });
    } catch {
      // left in place for the next fold
    }
  }
}

/** How many unlocks wait beside the keystore to be folded into the chain (for `audit list`). */
export function pendingUnlockNotes(keystorePath: string): { failed: number; quiet: number; unreadable: number } {
  const found = readUnlockNotes(keystorePath);
  if (!found) return { failed: 0, quiet: 0, unreadable: 0 };
  const quiet = found.notes.filter((n) => n.op === 'unlock').length;
  return { failed: found.notes.length - quiet, quiet, unreadable: found.unreadable };
}
