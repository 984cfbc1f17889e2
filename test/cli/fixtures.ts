import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { KeyInfo } from '../../shared/keys.js';
import { runInProcess, type CliResult } from '../helpers/cli.js';
import { sha256File, tempDir } from '../helpers/tmp.js';

/** The cheapest argon2id `init` accepts, so passphrase keystores stay fast. */
export const FAST_KDF_FLAGS = ['--kdf-memory-mib', '8', '--kdf-passes', '1'] as const;

export const CLIENT_NAMES = (id: string) => [id, `${id}_server`, `${id}_translator`, `${id}_storage`, `${id}_storage_sym`, `${id}_hmac`];
export const ZONE_NAMES = (id: string) => [`${id}_zone`, `${id}_zone_sym`];
export const GLOBAL_NAMES = ['poison_key', 'poison_key_sym', 'secure_log_key', 'auth_key'];

/** Fails with the CLI's own output, which says far more than "expected 1 to be 0". */
export function expectOk<T extends CliResult>(result: T): T {
  if (result.code !== 0) throw new Error(`custos exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

export function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** Asserts the text form of a failure: `error CODE: message` on stderr, nothing on stdout. */
export function expectTextError(result: CliResult, code: string, exitCode = 1): string {
  expect(result.code, result.stderr).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(new RegExp(`^error ${code}: \\S`));
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr;
}

/** Asserts the --json form of a failure: exactly `{code,message}` on stdout, nothing on stderr. */
export function expectJsonError(result: CliResult, code: string, exitCode = 1): string {
  expect(result.code, result.stdout).toBe(exitCode);
  expect(result.stderr).toBe('');
  const body = json<Record<string, unknown>>(result);
  expect(Object.keys(body).sort()).toEqual(['code', 'message']);
  expect(body['code']).toBe(code);
  expect(typeof body['message']).toBe('string');
  expect((body['message'] as string).length).toBeGreaterThan(0);
  return body['message'] as string;
}

export interface CliVault {
  dir: string;
  path: string;
  /** base64, as CUSTOS_MASTER_KEY holds it */
  key: string;
  keyBytes: Buffer;
  env: Record<string, string>;
  run(argv: readonly string[], env?: Record<string, string>): Promise<CliResult>;
}

export function newKey(): { key: string; keyBytes: Buffer } {
  const keyBytes = randomBytes(32);
  return { key: keyBytes.toString('base64'), keyBytes };
}

/** One sorted line per key version of a CLI vault (`keys list --all-versions`): name, version, state and fingerprint, so two vaults compare in one assertion. */
export async function keyVersionLines(v: CliVault): Promise<string[]> {
  return json<KeyInfo[]>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])))
    .map((k) => `${k.name} v${k.version} ${k.state} ${k.fingerprint}`)
    .sort();
}

/** A keystore made by `custos init` in a fresh folder, unlocked by CUSTOS_MASTER_KEY. */
export async function initVault(): Promise<CliVault> {
  const dir = tempDir();
  const path = join(dir, 'vault', 'custos.db');
  const { key, keyBytes } = newKey();
  const env = { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: path };
  expectOk(await runInProcess(['init'], { env }));
  return { dir, path, key, keyBytes, env, run: (argv, extra = {}) => runInProcess(argv, { env: { ...env, ...extra } }) };
}

export interface PassphraseVault {
  dir: string;
  path: string;
  passphraseFile: string;
  run(argv: readonly string[]): Promise<CliResult>;
}

export async function initPassphraseVault(passphrase = 'correct horse battery staple'): Promise<PassphraseVault> {
  const dir = tempDir();
  const path = join(dir, 'vault', 'custos.db');
  const passphraseFile = join(dir, 'pass.txt');
  writeFileSync(passphraseFile, `${passphrase}\n`);
  expectOk(await runInProcess(['init', '--keystore', path, '--passphrase-file', passphraseFile, ...FAST_KDF_FLAGS]));
  return { dir, path, passphraseFile, run: (argv) => runInProcess([...argv, '--keystore', path, '--passphrase-file', passphraseFile]) };
}

/** Edits the keystore behind Custos's back, as an attacker with write access would. */
export function withDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, { fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** What a failed command must leave alone: the file's bytes and the folder's listing (no stray -wal, -shm or temp files). */
export function snapshot(path: string): { hash: string | null; files: string[] } {
  const dir = join(path, '..');
  return { hash: existsSync(path) && statSync(path).isFile() ? sha256File(path) : null, files: existsSync(dir) ? readdirSync(dir).sort() : [] };
}

/**
 * What a wrong key or passphrase, or a session that changed nothing, leaves: the keystore's bytes
 * as they were, and in the folder exactly one more file, the unlock notes beside it (docs/formats/audit.md).
 */
export function withUnlockNotes(before: { hash: string | null; files: string[] }, path: string): { hash: string | null; files: string[] } {
  return { hash: before.hash, files: [...new Set([...before.files, `${basename(path)}.unlocks`])].sort() };
}

/** The unlocks noted beside a keystore (failed ones, and sessions that changed nothing: op 'unlock'), oldest first. */
export function unlockNotes(path: string): Array<{ v: number; id: string; at: string; op?: string; method: string; code: string; actor: string | null }> {
  const file = `${path}.unlocks`;
  if (!existsSync(file)) return [];
  expect(statSync(file).mode & 0o777).toBe(0o600);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { v: number; id: string; at: string; op?: string; method: string; code: string; actor: string | null });
}

export function fileContains(path: string, needle: Uint8Array): boolean {
  return existsSync(path) && readFileSync(path).indexOf(needle) !== -1;
}
