import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runInProcess, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, FAST_KDF_FLAGS, fileContains, newKey } from './fixtures.js';

/** Every way the key could leak as text. */
function spellings(key: Buffer): string[] {
  const b64 = key.toString('base64');
  return [b64, b64.replace(/=+$/, ''), key.toString('base64url'), key.toString('hex'), key.toString('hex').toUpperCase()];
}

/** Commands that touch every code path that holds the key: create, unlock, generate, read, write, check, fail. */
function session(extra: string[], initExtra: readonly string[] = []): string[][] {
  return [
    ['init', ...initExtra],
    ['info'],
    ['info', '--json'],
    ['keys', 'generate', '--client-id', 'orders', '--all'],
    ['keys', 'generate', '--zone-id', 'zone1', '--all', '--json'],
    ['keys', 'generate', '--global', '--all'],
    ['keys', 'generate', '--global', '--all'], // KEY_EXISTS
    ['keys', 'generate', '--global', '--all', '--json'], // KEY_EXISTS, json
    ['keys', 'list'],
    ['keys', 'list', '--all-versions', '--json'],
    ['keys', 'show', 'orders_storage'],
    ['keys', 'show', 'orders_storage', '--public-pem'],
    ['keys', 'show', 'orders_hmac', '--public-pem'], // KEY_NO_PUBLIC_PART
    ['keys', 'rotate', 'orders_storage', '--json'],
    ['keys', 'disable', 'orders_hmac'],
    ['keys', 'rotate', 'orders_hmac'], // KEY_DISABLED
    ['keys', 'enable', 'orders_hmac', '--json'],
    ['keys', 'show', 'no_such_key'], // KEY_NOT_FOUND
    ['check'],
    ['check', '--json'],
    ['keys', 'destroy', 'zone1_zone'], // CONFIRMATION_REQUIRED
    ['keys', 'destroy', 'zone1_zone', '--yes'],
  ].map((argv) => [...argv, ...extra]);
}

interface SessionResult {
  outputs: CliResult[];
  walSeen: boolean;
}

/**
 * Runs the session while this process holds its own connection to the
 * keystore, so SQLite keeps the -wal file between commands and it can be
 * searched after each one, not only the main file.
 */
async function runSession(path: string, argvs: string[][], env: Record<string, string>, mustNotContain: Uint8Array[]): Promise<SessionResult> {
  const outputs: CliResult[] = [];
  let reader: Database.Database | null = null;
  let walSeen = false;
  try {
    for (const argv of argvs) {
      outputs.push(await runInProcess(argv, { env }));
      if (!reader) {
        reader = new Database(path, { fileMustExist: true });
        // A first read opens the -wal and -shm; from then on this connection keeps them alive.
        reader.prepare('SELECT count(*) FROM sqlite_master').get();
      }
      const wal = `${path}-wal`;
      if (existsSync(wal) && statSync(wal).size > 0) walSeen = true;
      for (const needle of mustNotContain) {
        expect(fileContains(path, needle), `after custos ${argv.join(' ')}: keystore file`).toBe(false);
        expect(fileContains(wal, needle), `after custos ${argv.join(' ')}: -wal`).toBe(false);
      }
    }
  } finally {
    reader?.close();
  }
  for (const needle of mustNotContain) expect(fileContains(path, needle)).toBe(false);
  return { outputs, walSeen };
}

describe('secrets stay secret', () => {
  it('CUSTOS_MASTER_KEY: never in any output, never in the keystore or its -wal', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const { key, keyBytes } = newKey();
    const needles = [keyBytes, ...spellings(keyBytes).map((s) => Buffer.from(s))];
    const { outputs, walSeen } = await runSession(path, session([]), { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: path }, needles);
    expect(walSeen).toBe(true);
    expect(outputs.filter((o) => o.code === 0).length).toBeGreaterThan(12);
    expect(outputs.filter((o) => o.code !== 0).length).toBe(6);
    for (const output of outputs) {
      for (const text of spellings(keyBytes)) {
        expect(output.stdout).not.toContain(text);
        expect(output.stderr).not.toContain(text);
      }
    }
  });

  it('a raw 32-byte --master-key-file: never in any output, never in the keystore or its -wal', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const { keyBytes } = newKey();
    const file = join(dir, 'master.raw');
    writeFileSync(file, keyBytes, { mode: 0o600 });
    const needles = [keyBytes, ...spellings(keyBytes).map((s) => Buffer.from(s))];
    const { outputs } = await runSession(path, session(['--keystore', path, '--master-key-file', file]), {}, needles);
    for (const output of outputs) {
      for (const text of spellings(keyBytes)) expect(`${output.stdout}${output.stderr}`).not.toContain(text);
    }
  });

  it('a passphrase: never in any output, never in the keystore or its -wal', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const passphrase = 'a long and memorable passphrase 7f3a';
    const file = join(dir, 'pass.txt');
    writeFileSync(file, passphrase, { mode: 0o600 });
    const { outputs } = await runSession(path, session(['--keystore', path, '--passphrase-file', file], FAST_KDF_FLAGS), {}, [Buffer.from(passphrase)]);
    expect(outputs.filter((o) => o.code === 0).length).toBeGreaterThan(12);
    for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(passphrase);
  });

  it('a wrong master key is not echoed, nor the right one', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const right = newKey();
    const wrong = newKey();
    expectOk(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: right.key } }));
    for (const argv of [['info'], ['info', '--json'], ['keys', 'list'], ['check', '--json']]) {
      const result = await runInProcess([...argv, '--keystore', path], { env: { CUSTOS_MASTER_KEY: wrong.key, CUSTOS_DEBUG: '1' } });
      expect(result.code).toBe(1);
      for (const text of [...spellings(right.keyBytes), ...spellings(wrong.keyBytes)]) expect(`${result.stdout}${result.stderr}`).not.toContain(text);
    }
  });
});
