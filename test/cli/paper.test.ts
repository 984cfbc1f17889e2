import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSecret } from '../../src-main/core/paper/slip39/index.js';
import { masterKeyCheck } from '../../src-main/core/masterkey/subkeys.js';
import { fakeIo, runInProcess, type CliResult } from '../helpers/cli.js';
import { runCli } from '../../src-main/cli/main.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, expectTextError, initVault, json, snapshot } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

describe('custos paper split: sheets', () => {
  it('writes one PDF per share (0600) whose text names vault, ceremony, custodian, share and key check', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    const result = json<{ ceremonyId: string; vaultFingerprint: string; quorumsChecked: number; sheets: Array<{ file: string; sheetFingerprint: string; custodian: string | null }> }>(
      expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana Lima', '--custodian', 'Ben', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM, '--json'])),
    );
    expect(result.quorumsChecked).toBe(3);
    expect(readdirSync(out).sort()).toEqual(['share-1.pdf', 'share-1.txt', 'share-2.pdf', 'share-2.txt', 'share-3.pdf', 'share-3.txt']);
    expect(statSync(join(out, 'share-1.pdf')).mode & 0o777).toBe(0o600);
    const text = execFileSync('pdftotext', ['-layout', join(out, 'share-1.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(result.vaultFingerprint);
    expect(text).toContain(result.ceremonyId);
    expect(text).toContain('Ana Lima');
    expect(text).toContain('share 1 of 3; any 2 of these 3 shares');
    expect(text).toContain(result.sheets[0]?.sheetFingerprint ?? 'missing');
    expect(text).toContain(masterKeyCheck(v.keyBytes));
    // The numbered grid: every word of the share, each beside its position.
    const words = readFileSync(join(out, 'share-1.txt'), 'utf8').trim().split(' ');
    expect(words).toHaveLength(33);
    words.forEach((word, i) => expect(text, `word ${i + 1}`).toMatch(new RegExp(`\\b${i + 1}\\s+${word}\\b`)));
    expect(result.sheets.map((s) => s.custodian)).toEqual(['Ana Lima', 'Ben', null]);
  });

  it('makes a single-sheet backup with 1-of-1, and --text files hold exactly the mnemonic', async () => {
    const v = await initVault();
    const out = join(v.dir, 'one');
    expectOk(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM]));
    expect(readdirSync(out).sort()).toEqual(['share-1.pdf', 'share-1.txt']);
    const words = readFileSync(join(out, 'share-1.txt'), 'utf8').trim().split(' ');
    expect(words).toHaveLength(33);
    const restored = json<{ secret: string }>(expectOk(await v.run(['paper', 'restore', '--share-file', join(out, 'share-1.txt'), '--print', '--json'])));
    expect(restored.secret).toBe(v.key);
  });

  it('refuses to overwrite existing sheets, and changes nothing', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--out', out, '--allow-same-disk', '--chromium', CHROMIUM]));
    const before = readFileSync(join(out, 'share-1.pdf'));
    const store = snapshot(v.path);
    expectTextError(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--out', out, '--allow-same-disk', '--chromium', CHROMIUM]), 'FILE_EXISTS');
    expect(readFileSync(join(out, 'share-1.pdf')).equals(before)).toBe(true);
    expect(snapshot(v.path)).toEqual(store);
  });

  it('says what to install when there is no Chromium, before touching anything', async () => {
    const v = await initVault();
    const store = snapshot(v.path);
    const out = join(v.dir, 'sheets');
    const message = expectTextError(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--out', out, '--allow-same-disk', '--chromium', join(v.dir, 'no-chromium')]), 'CHROMIUM_NOT_FOUND');
    expect(message).toContain('--chromium');
    expect(existsSync(out)).toBe(false);
    expect(snapshot(v.path)).toEqual(store);
  });

  it('rejects impossible quorums', async () => {
    const v = await initVault();
    const out = join(v.dir, 's');
    expectTextError(await v.run(['paper', 'split', '--threshold', '4', '--shares', '3', '--out', out, '--allow-same-disk']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['paper', 'split', '--threshold', '2', '--shares', '17', '--out', out, '--allow-same-disk']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['paper', 'split', '--group', '2/3', '--group', 'x', '--out', out, '--allow-same-disk']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['paper', 'split', '--group', '2/3', '--group', '1/1', '--group-threshold', '3', '--out', out, '--allow-same-disk']), 'INVALID_ARGUMENT', 2);
  });
});

describe('custos paper check', () => {
  it('recognises a sheet this vault printed, and refuses a well-formed share it never printed', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM]));
    const genuine = json<{ genuine: boolean; match: { custodian: string } }>(expectOk(await v.run(['paper', 'check', '--share-file', join(out, 'share-1.txt'), '--json'])));
    expect(genuine.genuine).toBe(true);
    expect(genuine.match.custodian).toBe('Ana');

    // A forger who even knows the master key makes a fresh split of it: well-formed, but never printed here.
    const forged = splitSecret({ secret: v.keyBytes, groupThreshold: 1, groups: [{ threshold: 2, count: 3 }] })[0]?.[0] ?? '';
    const forgedFile = join(v.dir, 'forged.txt');
    writeFileSync(forgedFile, forged);
    const result = await v.run(['paper', 'check', '--share-file', forgedFile, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ wellFormed: true, genuine: false });

    const offline = json<{ genuine: null }>(expectOk(await v.run(['paper', 'check', '--share-file', forgedFile, '--offline', '--json'])));
    expect(offline.genuine).toBeNull();
  });

  it('reports a mistyped word with its position and suggestions', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM]));
    const words = readFileSync(join(out, 'share-1.txt'), 'utf8').trim().split(' ');
    const original = words[6] ?? '';
    words[6] = `${original}zq`;
    writeFileSync(join(out, 'typo.txt'), words.join(' '));
    // For a script or a log: the position only, since the closest word is usually the real one.
    const message = expectTextError(await v.run(['paper', 'check', '--share-file', join(out, 'typo.txt')]), 'SHARE_WORD_UNKNOWN');
    expect(message).toContain('Word 7');
    expect(message).not.toContain(original);
    // For a person at a terminal: the closest words too.
    const { io, result } = fakeIo({ env: v.env });
    const code = await runCli(['paper', 'check', '--share-file', join(out, 'typo.txt')], { ...io, stderrIsTTY: true });
    expect(code).toBe(1);
    expect(result().stderr).toMatch(new RegExp(`Word 7 .*Did you mean .*"${original}"`));
  });
});

/** restore prints the recovered key's check value before it fails, so the error is the last line. */
function expectLastError(result: CliResult, code: string, exitCode = 1): string {
  expect(result.code).toBe(exitCode);
  const last = result.stderr.trim().split('\n').at(-1) ?? '';
  expect(last).toMatch(new RegExp(`^error ${code}: `));
  return last;
}

describe('custos paper restore', () => {
  it('verifies against the keystore, creates a new keystore, and refuses a wrong expected check', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--group', '2/3', '--group', '1/1', '--group-threshold', '2', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM]));
    const quorum = ['share-g1-1.txt', 'share-g1-3.txt', 'share-g2-1.txt'].flatMap((f) => ['--share-file', join(out, f)]);
    const verified = expectOk(await v.run(['paper', 'restore', ...quorum, '--verify']));
    expect(verified.stderr).toContain(masterKeyCheck(v.keyBytes));

    const other = await initVault();
    const refused = expectLastError(await other.run(['paper', 'restore', ...quorum, '--verify']), 'WRONG_MASTER_KEY');
    expect(refused).toContain(`the recovered key (check ${masterKeyCheck(v.keyBytes)}) does not unlock ${other.path}: shares from before a master-key rotation`);
    expect(refused).toContain("'custos paper check' on one share");

    const fresh = join(tempDir(), 'restored.db');
    expectLastError(await v.run(['paper', 'restore', ...quorum, '--init', '--keystore', fresh]), 'INVALID_ARGUMENT', 2);
    expect(existsSync(fresh)).toBe(false);
    const keyFile = join(tempDir(), 'master.key');
    expectLastError(await v.run(['paper', 'restore', ...quorum, '--init', '--keystore', fresh, '--master-key-out', keyFile, '--expect-check', '0000-0000-0000-0000']), 'WRONG_MASTER_KEY');
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(keyFile)).toBe(false);
    expectOk(await v.run(['paper', 'restore', ...quorum, '--init', '--keystore', fresh, '--master-key-out', keyFile, '--expect-check', masterKeyCheck(v.keyBytes)]));
    expectOk(await v.run(['info', '--keystore', fresh]));

    const short = ['share-g1-1.txt', 'share-g2-1.txt'].flatMap((f) => ['--share-file', join(out, f)]);
    expect(expectTextError(await v.run(['paper', 'restore', ...short, '--print']), 'SHARES_INSUFFICIENT')).toContain('group 1 has 1 of 2 and needs 1 more share');
  });

  it('reads shares from standard input, one per line, and takes at most one mode', async () => {
    const v = await initVault();
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM]));
    const stdin = ['share-1.txt', 'share-2.txt'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    const printed = await runInProcess(['paper', 'restore', '--shares-stdin', '--print'], { env: v.env, stdin });
    expect(printed.stdout.trim()).toBe(v.key);
    expect(printed.stderr).toContain('warning');
    expectTextError(await v.run(['paper', 'restore', '--shares-stdin', '--verify', '--print']), 'INVALID_ARGUMENT', 2);
  });
});
