import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, expectTextError, json } from './fixtures.js';

/** Strict: canonical base64 of exactly 32 bytes. */
function decodeKey(text: string): Buffer {
  expect(text).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  const bytes = Buffer.from(text, 'base64');
  expect(bytes.length).toBe(32);
  expect(bytes.toString('base64')).toBe(text);
  return bytes;
}

describe('custos master-key generate', () => {
  it('prints base64 of 32 bytes, one line, and a fresh key each run', async () => {
    const first = expectOk(await runInProcess(['master-key', 'generate']));
    const second = expectOk(await runInProcess(['master-key', 'generate']));
    expect(first.stdout.endsWith('\n')).toBe(true);
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(first.stderr).toBe('');
    const a = decodeKey(first.stdout.trim());
    const b = decodeKey(second.stdout.trim());
    expect(a.equals(b)).toBe(false);
    expect(a.equals(Buffer.alloc(32))).toBe(false);
  });

  it('--json prints {masterKey}', async () => {
    const body = json<{ masterKey: string }>(expectOk(await runInProcess(['master-key', 'generate', '--json'])));
    expect(Object.keys(body)).toEqual(['masterKey']);
    decodeKey(body.masterKey);
  });

  it('--out writes a new 0600 file and does not print the key', async () => {
    const dir = tempDir();
    const out = join(dir, 'master.key');
    const result = expectOk(await runInProcess(['master-key', 'generate', '--out', out]));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const key = text.trim();
    decodeKey(key);
    expect(result.stdout).toContain(out);
    expect(result.stdout).not.toContain(key);
    expect(result.stderr).not.toContain(key);
  });

  it('--out --json reports the path only', async () => {
    const out = join(tempDir(), 'master.key');
    const body = json<Record<string, unknown>>(expectOk(await runInProcess(['master-key', 'generate', '--out', out, '--json'])));
    expect(body).toEqual({ path: out });
  });

  it('--out refuses to overwrite an existing file and leaves it as it was', async () => {
    const out = join(tempDir(), 'master.key');
    writeFileSync(out, 'the old key, which someone still needs\n', { mode: 0o644 });
    const message = expectTextError(await runInProcess(['master-key', 'generate', '--out', out]), 'FILE_EXISTS');
    expect(message).toContain('refusing to overwrite');
    expect(readFileSync(out, 'utf8')).toBe('the old key, which someone still needs\n');
    expect(statSync(out).mode & 0o777).toBe(0o644);
  });

  it('--out into a folder that does not exist fails cleanly with FILE_IO', async () => {
    const out = join(tempDir(), 'no', 'such', 'master.key');
    expectTextError(await runInProcess(['master-key', 'generate', '--out', out]), 'FILE_IO');
  });

  it('a key written by --out unlocks a keystore made with --master-key-file, and is the same key as CUSTOS_MASTER_KEY', async () => {
    const dir = tempDir();
    const keyFile = join(dir, 'master.key');
    const path = join(dir, 'custos.db');
    expectOk(await runInProcess(['master-key', 'generate', '--out', keyFile]));
    expectOk(await runInProcess(['init', '--keystore', path, '--master-key-file', keyFile]));
    expectOk(await runInProcess(['info', '--keystore', path, '--master-key-file', keyFile]));
    const key = readFileSync(keyFile, 'utf8').trim();
    expectOk(await runInProcess(['info', '--keystore', path], { env: { CUSTOS_MASTER_KEY: key } }));
  });
});
