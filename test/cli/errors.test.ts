import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src-main/core/keystore/migrations/index.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectJsonError, expectOk, expectTextError, unlockNotes, initPassphraseVault, initVault, newKey, snapshot, withDb, withUnlockNotes } from './fixtures.js';

interface Case {
  /** The command line and environment that must fail; `path` is the file that must not change. */
  argv: string[];
  env: Record<string, string>;
  path: string;
  /** Text that must not appear in the output (a secret the user gave). */
  secret?: string;
}

/** A keystore with keys in it, so a write that slipped through would show. */
async function vault() {
  const v = await initVault();
  expectOk(await v.run(['keys', 'generate', '--client-id', 'orders', '--all']));
  return v;
}

const GENERATE = ['keys', 'generate', '--global', '--all'];

const CASES: Array<[string, string, () => Promise<Case>]> = [
  [
    'a wrong master key',
    'WRONG_MASTER_KEY',
    async () => {
      const v = await vault();
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: v.path }, path: v.path };
    },
  ],
  [
    'a wrong master key in ACRA_MASTER_KEY',
    'WRONG_MASTER_KEY',
    async () => {
      const v = await vault();
      return { argv: ['keys', 'rotate', 'orders'], env: { ACRA_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: v.path }, path: v.path };
    },
  ],
  [
    'a wrong passphrase',
    'WRONG_PASSPHRASE',
    async () => {
      const v = await initPassphraseVault();
      const wrong = join(v.dir, 'wrong.txt');
      writeFileSync(wrong, 'correct horse battery stapler');
      return { argv: [...GENERATE, '--keystore', v.path, '--passphrase-file', wrong], env: {}, path: v.path };
    },
  ],
  [
    'CUSTOS_MASTER_KEY that is not base64',
    'MASTER_KEY_MALFORMED',
    async () => {
      const v = await vault();
      const secret = 'hunter2-is-my-master-key!!';
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: secret, CUSTOS_KEYSTORE: v.path }, path: v.path, secret };
    },
  ],
  [
    'CUSTOS_MASTER_KEY that is base64 of 31 bytes',
    'MASTER_KEY_MALFORMED',
    async () => {
      const v = await vault();
      const secret = randomBytes(31).toString('base64');
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: secret, CUSTOS_KEYSTORE: v.path }, path: v.path, secret };
    },
  ],
  [
    'CUSTOS_MASTER_KEY with a non-canonical last character',
    'MASTER_KEY_MALFORMED',
    async () => {
      const v = await vault();
      // 43 characters + '=' decode to 32 bytes only if the last character's low bits are zero
      const good = newKey().key;
      const secret = `${good.slice(0, 42)}${good[42] === 'B' ? 'C' : 'B'}=`;
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: secret, CUSTOS_KEYSTORE: v.path }, path: v.path, secret };
    },
  ],
  [
    'ACRA_MASTER_KEY that is not base64',
    'MASTER_KEY_MALFORMED',
    async () => {
      const v = await vault();
      const secret = 'acra%master%key%with%percent%signs';
      return { argv: GENERATE, env: { ACRA_MASTER_KEY: secret, CUSTOS_KEYSTORE: v.path }, path: v.path, secret };
    },
  ],
  [
    'a master key file that is neither base64 nor 32 raw bytes',
    'MASTER_KEY_MALFORMED',
    async () => {
      const v = await vault();
      const secret = 'this file holds 33 secret bytes!!';
      const file = join(v.dir, 'bad.key');
      writeFileSync(file, secret);
      return { argv: [...GENERATE, '--keystore', v.path, '--master-key-file', file], env: {}, path: v.path, secret };
    },
  ],
  [
    'a keystore that does not exist',
    'KEYSTORE_NOT_FOUND',
    async () => {
      const dir = tempDir();
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: join(dir, 'nowhere', 'custos.db') }, path: join(dir, 'nowhere', 'custos.db') };
    },
  ],
  [
    'a file of random bytes',
    'KEYSTORE_CORRUPT',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'custos.db');
      writeFileSync(path, randomBytes(8192));
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: path }, path };
    },
  ],
  [
    'a truncated keystore',
    'KEYSTORE_CORRUPT',
    async () => {
      const v = await vault();
      const whole = readFileSync(v.path);
      const path = join(v.dir, 'truncated.db');
      writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)), { mode: 0o600 });
      return { argv: ['keys', 'list'], env: { CUSTOS_MASTER_KEY: v.key, CUSTOS_KEYSTORE: path }, path };
    },
  ],
  [
    'a SQLite file that is not a Custos keystore',
    'NOT_A_KEYSTORE',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'app.db');
      const db = new Database(path);
      db.exec("CREATE TABLE keys (name TEXT); INSERT INTO keys VALUES ('x')");
      db.close();
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: path }, path };
    },
  ],
  [
    'a keystore from a newer schema',
    'KEYSTORE_NEWER_SCHEMA',
    async () => {
      const v = await vault();
      withDb(v.path, (db) => db.pragma('user_version = 99'));
      return { argv: GENERATE, env: v.env, path: v.path };
    },
  ],
  [
    'a folder where the keystore should be',
    'KEYSTORE_IO',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'custos.db');
      mkdirSync(path);
      return { argv: ['keys', 'list'], env: { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: path }, path };
    },
  ],
  [
    'an unknown key name',
    'KEY_NOT_FOUND',
    async () => {
      const v = await vault();
      return { argv: ['keys', 'rotate', 'orders_storage_symm'], env: v.env, path: v.path };
    },
  ],
  [
    'a tampered record',
    'KEY_RECORD_TAMPERED',
    async () => {
      const v = await vault();
      withDb(v.path, (db) => db.prepare("UPDATE key_versions SET sealed = (SELECT sealed FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.name = 'orders') WHERE key_id = (SELECT id FROM keys WHERE name = 'orders_storage')").run());
      return { argv: ['keys', 'show', 'orders_storage', '--public-pem'], env: v.env, path: v.path };
    },
  ],
  [
    'no master key at all',
    'MASTER_KEY_MISSING',
    async () => {
      const v = await vault();
      return { argv: GENERATE, env: { CUSTOS_KEYSTORE: v.path }, path: v.path };
    },
  ],
  [
    'an empty CUSTOS_MASTER_KEY (treated as not set)',
    'MASTER_KEY_MISSING',
    async () => {
      const v = await vault();
      return { argv: GENERATE, env: { CUSTOS_MASTER_KEY: '', CUSTOS_KEYSTORE: v.path }, path: v.path };
    },
  ],
];

/** Codes of the cases above that are found only once the keystore is open. */
const REFUSED_AFTER_UNLOCK = new Set(['KEY_NOT_FOUND', 'KEY_RECORD_TAMPERED']);

describe('bad input: a stable code, a clear message, a non-zero exit, and the keystore untouched', () => {
  it.each(CASES)('%s → %s', async (_label, code, setup) => {
    const c = await setup();
    const before = snapshot(c.path);

    const text = await runInProcess(c.argv, { env: c.env });
    const message = expectTextError(text, code);
    expect(message.length).toBeGreaterThan(`error ${code}: `.length + 10);

    const asJson = await runInProcess([...c.argv, '--json'], { env: c.env });
    expectJsonError(asJson, code);

    // Noted beside the keystore (twice: text and --json): a wrong key or passphrase as such, and an
    // unlock whose session then refused the input as a quiet unlock. The keystore's bytes never change.
    const notes = code === 'WRONG_MASTER_KEY' || code === 'WRONG_PASSPHRASE' ? [code, code] : REFUSED_AFTER_UNLOCK.has(code) ? ['OK', 'OK'] : [];
    expect(snapshot(c.path)).toEqual(notes.length > 0 ? withUnlockNotes(before, c.path) : before);
    expect(unlockNotes(c.path).map((f) => f.code)).toEqual(notes);
    if (c.secret !== undefined) {
      for (const output of [text.stdout, text.stderr, asJson.stdout, asJson.stderr]) expect(output).not.toContain(c.secret);
    }
  });

  it('a missing keystore is not created, nor its folder', async () => {
    const dir = tempDir();
    const path = join(dir, 'nowhere', 'custos.db');
    expectTextError(await runInProcess(['keys', 'list', '--keystore', path], { env: { CUSTOS_MASTER_KEY: newKey().key } }), 'KEYSTORE_NOT_FOUND');
    expect(snapshot(join(dir, 'nowhere'))).toEqual({ hash: null, files: [] });
  });

  it('the wrong-key message says nothing was changed and names no key material', async () => {
    const v = await vault();
    const wrong = newKey();
    const message = expectTextError(await runInProcess(['keys', 'list'], { env: { CUSTOS_MASTER_KEY: wrong.key, CUSTOS_KEYSTORE: v.path } }), 'WRONG_MASTER_KEY');
    expect(message).toContain('nothing was changed');
    expect(message).not.toContain(wrong.key);
    expect(message).not.toContain(v.key);
  });

  // A copy made with VACUUM INTO is in rollback-journal mode: switching it to WAL writes the
  // header, so that must wait until the master key is verified.
  it('a wrong master key leaves a rollback-journal copy (VACUUM INTO) byte-identical', async () => {
    const v = await vault();
    const copy = join(v.dir, 'vault', 'backup.db');
    withDb(v.path, (db) => db.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`));
    const before = snapshot(copy);
    expectTextError(await runInProcess(['keys', 'list', '--keystore', copy], { env: { CUSTOS_MASTER_KEY: newKey().key } }), 'WRONG_MASTER_KEY');
    expect(snapshot(copy)).toEqual(withUnlockNotes(before, copy));
    expect(unlockNotes(copy)).toEqual([expect.objectContaining({ code: 'WRONG_MASTER_KEY', method: 'master-key', actor: null })]);
  });

  it('a newer schema message names both versions', async () => {
    const v = await vault();
    withDb(v.path, (db) => db.pragma('user_version = 99'));
    const message = expectTextError(await v.run(['info']), 'KEYSTORE_NEWER_SCHEMA');
    expect(message).toContain('99');
    expect(message).toContain(`up to ${SCHEMA_VERSION}`);
  });
});
