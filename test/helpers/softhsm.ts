/**
 * A real SoftHSM2 token in a temporary folder for PKCS#11 tests.
 *
 * SoftHSM reads SOFTHSM2_CONF when C_Initialize runs, so the variable is set
 * here, before any test opens the module. Custos finalises the library when
 * its last session closes, so each file (one process under vitest's forks
 * pool) gets its own token folder and never touches /var/lib/softhsm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = process.env.CUSTOS_TEST_SOFTHSM_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
export const USER_PIN = '1234';
export const SO_PIN = '5678';

function findUtil(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v softhsm2-util'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Null when SoftHSM2 can be used; otherwise why not, to be printed by the skipping test. */
export function softHsmUnavailable(): string | null {
  if (!existsSync(SOFTHSM_MODULE)) return `SoftHSM2 module not found at ${SOFTHSM_MODULE} (install Debian package softhsm2)`;
  if (!findUtil()) return 'softhsm2-util not on PATH (install Debian package softhsm2)';
  return null;
}

export interface SoftHsmFolder {
  dir: string;
  /** Initialises a fresh token with USER_PIN and SO_PIN. Call before opening sessions. */
  initToken(label: string): void;
  remove(): void;
}

export function softHsmFolder(): SoftHsmFolder {
  const dir = mkdtempSync(join(tmpdir(), 'custos-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    initToken(label) {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', USER_PIN, '--so-pin', SO_PIN], {
        env: { ...process.env, SOFTHSM2_CONF: conf },
        stdio: 'pipe',
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
