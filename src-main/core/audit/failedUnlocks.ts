import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * Failed unlocks cannot be written into the keystore: without the master key
 * there is no key to authenticate an entry, and a wrong key must leave the
 * keystore byte for byte as it was. So each one is appended to a sidecar file
 * beside it, and the next successful unlock folds them into the chain and
 * removes the file. Whoever deletes the sidecar before that erases the
 * evidence: docs/formats/audit.md says so plainly.
 */
export interface FailedUnlock {
  v: 1;
  /** Random, so a fold that crashed before removing the file is not recorded twice. */
  id: string;
  at: string;
  method: string;
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

export function failedUnlocksPath(keystorePath: string): string {
  return `${keystorePath}.failed-unlocks`;
}

/** Appends one JSON line (file mode 0600, never through a symlink). Returns null, or why it could not. */
export function recordFailedUnlock(keystorePath: string, attempt: Omit<FailedUnlock, 'v' | 'id' | 'at'>, now = new Date()): string | null {
  const line: FailedUnlock = { v: 1, id: randomBytes(8).toString('hex'), at: now.toISOString(), ...attempt };
  try {
    const fd = openSync(failedUnlocksPath(keystorePath), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

function parse(line: string): FailedUnlock | null {
  try {
    const v = JSON.parse(line) as Partial<FailedUnlock>;
    const text = (x: unknown, max: number) => typeof x === 'string' && x.length > 0 && x.length <= max;
    if (v.v !== 1 || !text(v.id, 64) || !text(v.at, 64) || !text(v.method, 32) || !text(v.code, 64)) return null;
    if (v.actor !== null && !text(v.actor, 200)) return null;
    return { v: 1, id: v.id as string, at: v.at as string, method: v.method as string, code: v.code as string, actor: v.actor ?? null };
  } catch {
    return null;
  }
}

/** The recorded attempts, and how many lines could not be read; null when there is no sidecar. */
export function readFailedUnlocks(keystorePath: string): { attempts: FailedUnlock[]; unreadable: number } | null {
  let text: string;
  try {
    text = readFileSync(failedUnlocksPath(keystorePath), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const attempts = lines.map(parse).filter((a): a is FailedUnlock => a !== null);
  return { attempts, unreadable: lines.length - attempts.length };
}

export function removeFailedUnlocks(keystorePath: string): void {
  rmSync(failedUnlocksPath(keystorePath), { force: true });
}
