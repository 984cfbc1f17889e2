import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src-main/core/keystore/migrations/index.js';
import { runInProcess } from '../helpers/cli.js';
import { sha256File, tempDir } from '../helpers/tmp.js';
import { expectJsonError, expectOk, expectTextError, unlockNotes, FAST_KDF_FLAGS, json, newKey, snapshot, withUnlockNotes } from './fixtures.js';

interface Source {
  name: string;
  /** Sets up the secret in `dir`; returns how to pass it, and a wrong one of the same kind. */
  make(dir: string): { args: string[]; env: Record<string, string>; wrongArgs: string[]; wrongEnv: Record<string, string>; wrongCode: string; unlock: string[] };
}

function keyFile(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

const SOURCES: Source[] = [
  {
    name: 'CUSTOS_MASTER_KEY',
    make: () => ({ args: [], env: { CUSTOS_MASTER_KEY: newKey().key }, wrongArgs: [], wrongEnv: { CUSTOS_MASTER_KEY: newKey().key }, wrongCode: 'WRONG_MASTER_KEY', unlock: ['master-key'] }),
  },
  {
    name: 'ACRA_MASTER_KEY',
    make: () => ({ args: [], env: { ACRA_MASTER_KEY: newKey().key }, wrongArgs: [], wrongEnv: { ACRA_MASTER_KEY: newKey().key }, wrongCode: 'WRONG_MASTER_KEY', unlock: ['master-key'] }),
  },
  {
    name: '--master-key-file (base64 text)',
    make: (dir) => ({
      args: ['--master-key-file', keyFile(dir, 'master.key', `${newKey().key}\n`)],
      env: {},
      wrongArgs: ['--master-key-file', keyFile(dir, 'other.key', `${newKey().key}\n`)],
      wrongEnv: {},
      wrongCode: 'WRONG_MASTER_KEY',
      unlock: ['master-key'],
    }),
  },
  {
    name: '--master-key-file (32 raw bytes, as acra-keymaker writes)',
    make: (dir) => ({
      args: ['--master-key-file', keyFile(dir, 'master.raw', newKey().keyBytes)],
      env: {},
      wrongArgs: ['--master-key-file', keyFile(dir, 'other.raw', newKey().keyBytes)],
      wrongEnv: {},
      wrongCode: 'WRONG_MASTER_KEY',
      unlock: ['master-key'],
    }),
  },
  {
    name: '--passphrase-file',
    make: (dir) => ({
      args: ['--passphrase-file', keyFile(dir, 'pass.txt', 'correct horse battery staple\n')],
      env: {},
      wrongArgs: ['--passphrase-file', keyFile(dir, 'wrong.txt', 'correct horse battery stapler\n')],
      wrongEnv: {},
      wrongCode: 'WRONG_PASSPHRASE',
      unlock: ['passphrase'],
    }),
  },
];

describe('custos init with each master key source', () => {
  it.each(SOURCES)('$name: init, unlock with the same source, refuse a wrong one', async (source) => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const s = source.make(dir);
    const created = json<{ path: string; keystoreId: string; unlock: string[]; kdf: Record<string, unknown> | null }>(
      expectOk(await runInProcess(['init', '--keystore', path, ...s.args, ...(s.unlock.includes('passphrase') ? FAST_KDF_FLAGS : []), '--json'], { env: s.env })),
    );
    expect(created.path).toBe(path);
    expect(created.keystoreId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.unlock).toEqual(s.unlock);
    if (s.unlock.includes('passphrase')) {
      expect(created.kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: 8 * 1024, iterations: 1 });
      expect(created.kdf).not.toHaveProperty('salt');
    } else {
      expect(created.kdf).toBeNull();
    }

    const info = json<{ keystoreId: string; keyVersions: number; schemaVersion: number; unlockMethods: Array<{ kind: string }> }>(
      expectOk(await runInProcess(['info', '--keystore', path, ...s.args, '--json'], { env: s.env })),
    );
    expect(info.keystoreId).toBe(created.keystoreId);
    expect(info.keyVersions).toBe(0);
    expect(info.schemaVersion).toBe(SCHEMA_VERSION);
    expect(info.unlockMethods.map((m) => m.kind)).toEqual(s.unlock.includes('passphrase') ? ['passphrase'] : []);

    // A write with the right source works; the same write with a wrong one changes nothing.
    expectOk(await runInProcess(['keys', 'generate', '--keystore', path, ...s.args, '--global', '--purpose', 'auth'], { env: s.env }));
    const before = snapshot(path);
    expectTextError(await runInProcess(['keys', 'generate', '--keystore', path, ...s.wrongArgs, '--global', '--all'], { env: s.wrongEnv }), s.wrongCode);
    expectJsonError(await runInProcess(['keys', 'list', '--keystore', path, ...s.wrongArgs, '--json'], { env: s.wrongEnv }), s.wrongCode);
    expect(snapshot(path)).toEqual(withUnlockNotes(before, path));
    expect(unlockNotes(path).map((f) => f.code)).toEqual([s.wrongCode, s.wrongCode]);
  });

  it('a raw 32-byte key file and the base64 of the same bytes are the same master key', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const { key, keyBytes } = newKey();
    const raw = keyFile(dir, 'master.raw', keyBytes);
    expectOk(await runInProcess(['init', '--keystore', path, '--master-key-file', raw]));
    expectOk(await runInProcess(['info', '--keystore', path], { env: { CUSTOS_MASTER_KEY: key } }));
    expectOk(await runInProcess(['info', '--keystore', path], { env: { ACRA_MASTER_KEY: key } }));
  });

  it('CUSTOS_MASTER_KEY takes precedence over ACRA_MASTER_KEY, and --master-key-file over both', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const right = newKey().key;
    const wrong = newKey().key;
    expectOk(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: right } }));
    expectOk(await runInProcess(['info', '--keystore', path], { env: { CUSTOS_MASTER_KEY: right, ACRA_MASTER_KEY: wrong } }));
    expectTextError(await runInProcess(['info', '--keystore', path], { env: { CUSTOS_MASTER_KEY: wrong, ACRA_MASTER_KEY: right } }), 'WRONG_MASTER_KEY');
    const file = keyFile(dir, 'right.key', right);
    expectOk(await runInProcess(['info', '--keystore', path, '--master-key-file', file], { env: { CUSTOS_MASTER_KEY: wrong } }));
  });

  it('a master key and a passphrase together: either one unlocks', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const { key } = newKey();
    const pass = keyFile(dir, 'pass.txt', 'both ways in');
    const created = json<{ unlock: string[] }>(
      expectOk(await runInProcess(['init', '--keystore', path, '--passphrase-file', pass, ...FAST_KDF_FLAGS, '--json'], { env: { CUSTOS_MASTER_KEY: key } })),
    );
    expect(created.unlock).toEqual(['master-key', 'passphrase']);
    expectOk(await runInProcess(['keys', 'generate', '--keystore', path, '--global', '--all'], { env: { CUSTOS_MASTER_KEY: key } }));
    const viaPassphrase = json<Array<{ name: string }>>(expectOk(await runInProcess(['keys', 'list', '--keystore', path, '--passphrase-file', pass, '--json'])));
    expect(viaPassphrase).toHaveLength(4);
  });

  it('one trailing newline in a passphrase file is not part of the passphrase', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    expectOk(await runInProcess(['init', '--keystore', path, '--passphrase-file', keyFile(dir, 'a.txt', 'swordfish\n'), ...FAST_KDF_FLAGS]));
    expectOk(await runInProcess(['info', '--keystore', path, '--passphrase-file', keyFile(dir, 'b.txt', 'swordfish')]));
    expectOk(await runInProcess(['info', '--keystore', path, '--passphrase-file', keyFile(dir, 'c.txt', 'swordfish\r\n')]));
    expectTextError(await runInProcess(['info', '--keystore', path, '--passphrase-file', keyFile(dir, 'd.txt', 'swordfish\n\n')]), 'WRONG_PASSPHRASE');
  });

  it('a passphrase keystore refuses a master key it never saw (WRONG_MASTER_KEY)', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    expectOk(await runInProcess(['init', '--keystore', path, '--passphrase-file', keyFile(dir, 'p.txt', 'pass'), ...FAST_KDF_FLAGS]));
    expectTextError(await runInProcess(['info', '--keystore', path], { env: { CUSTOS_MASTER_KEY: newKey().key } }), 'WRONG_MASTER_KEY');
  });

  it('a master-key-only keystore has no passphrase to try (MASTER_KEY_MISSING)', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    expectOk(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: newKey().key } }));
    const message = expectTextError(await runInProcess(['info', '--keystore', path, '--passphrase-file', keyFile(dir, 'p.txt', 'pass')]), 'MASTER_KEY_MISSING');
    expect(message).toContain('no passphrase');
  });
});

describe('custos init: where and how the file is made', () => {
  it('refuses an existing keystore (KEYSTORE_EXISTS) and leaves it byte-identical', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const { key } = newKey();
    expectOk(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: key } }));
    expectOk(await runInProcess(['keys', 'generate', '--keystore', path, '--global', '--all'], { env: { CUSTOS_MASTER_KEY: key } }));
    const before = snapshot(path);
    expectTextError(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: key } }), 'KEYSTORE_EXISTS');
    expectJsonError(await runInProcess(['init', '--keystore', path, '--json'], { env: { CUSTOS_MASTER_KEY: newKey().key } }), 'KEYSTORE_EXISTS');
    expect(snapshot(path)).toEqual(before);
    // and the old key still opens it, with its keys
    const keys = json<unknown[]>(expectOk(await runInProcess(['keys', 'list', '--keystore', path, '--json'], { env: { CUSTOS_MASTER_KEY: key } })));
    expect(keys).toHaveLength(4);
  });

  it('refuses to overwrite any other existing file', async () => {
    const dir = tempDir();
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a keystore, but precious');
    const hash = sha256File(path);
    expectTextError(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: newKey().key } }), 'KEYSTORE_EXISTS');
    expect(sha256File(path)).toBe(hash);
  });

  it('CUSTOS_KEYSTORE names the file; --keystore wins over it', async () => {
    const dir = tempDir();
    const fromEnv = join(dir, 'env.db');
    const fromFlag = join(dir, 'flag.db');
    const { key } = newKey();
    const a = json<{ path: string }>(expectOk(await runInProcess(['init', '--json'], { env: { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: fromEnv } })));
    expect(a.path).toBe(fromEnv);
    expect(existsSync(fromEnv)).toBe(true);
    const b = json<{ path: string }>(expectOk(await runInProcess(['init', '--keystore', fromFlag, '--json'], { env: { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: fromEnv } })));
    expect(b.path).toBe(fromFlag);
    expect(readdirSync(dir).sort()).toEqual(['env.db', 'flag.db']);
  });

  it('creates missing folders 0700 and the file 0600, and leaves no temporary files', async () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b', 'custos.db');
    expectOk(await runInProcess(['init', '--keystore', path], { env: { CUSTOS_MASTER_KEY: newKey().key } }));
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['custos.db']);
  });

  it('without any master key or passphrase it fails with MASTER_KEY_MISSING and creates nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'sub', 'custos.db');
    expectTextError(await runInProcess(['init', '--keystore', path]), 'MASTER_KEY_MISSING');
    expectJsonError(await runInProcess(['init', '--keystore', path, '--json']), 'MASTER_KEY_MISSING');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses KDF options when there is no passphrase for them to apply to, and creates nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const result = await runInProcess(['init', '--keystore', path, ...FAST_KDF_FLAGS], { env: { CUSTOS_MASTER_KEY: newKey().key } });
    expectTextError(result, 'INVALID_ARGUMENT', 2);
    expect(result.stderr).toContain('passphrase');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a KDF below the floor (INVALID_ARGUMENT, exit 2) and creates nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const pass = keyFile(dir, 'p.txt', 'pass');
    expectTextError(await runInProcess(['init', '--keystore', path, '--passphrase-file', pass, '--kdf-memory-mib', '4', '--kdf-passes', '1']), 'INVALID_ARGUMENT', 2);
    expectTextError(await runInProcess(['init', '--keystore', path, '--passphrase-file', pass, '--kdf-memory-mib', '8', '--kdf-passes', 'two']), 'INVALID_ARGUMENT', 2);
    expect(readdirSync(dir)).toEqual(['p.txt']);
  });

  it('an empty or unreadable passphrase file is INVALID_ARGUMENT and creates nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    expectTextError(await runInProcess(['init', '--keystore', path, '--passphrase-file', keyFile(dir, 'empty.txt', '\n'), ...FAST_KDF_FLAGS]), 'INVALID_ARGUMENT', 2);
    expectTextError(await runInProcess(['init', '--keystore', path, '--passphrase-file', join(dir, 'missing.txt'), ...FAST_KDF_FLAGS]), 'INVALID_ARGUMENT', 2);
    expect(existsSync(path)).toBe(false);
  });
});
