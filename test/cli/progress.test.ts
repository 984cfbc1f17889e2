import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { statusLine } from '../../src-main/cli/progress.js';
import { fakeIo } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { FAST_KDF_FLAGS, initPassphraseVault, initVault } from './fixtures.js';

/** Runs the CLI in-process with stderr a terminal (or not), as a person at a shell would see it. */
async function atTerminal(argv: string[], tty = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, result } = fakeIo();
  const code = await runCli(argv, { ...io, stderrIsTTY: tty });
  return { code, ...result() };
}

function passphraseFile(): string {
  const file = join(tempDir(), 'pass.txt');
  writeFileSync(file, 'a passphrase for the progress test\n');
  return file;
}

const ERASED = /\r +\r$/;

describe('progress at a terminal for the KDF', () => {
  it('init with a passphrase shows the calibration and the derivation on stderr, then erases the line', async () => {
    const path = join(tempDir(), 'custos.db');
    // 8 MiB: calibration runs (no --kdf-passes) but stays well under a second here.
    const result = await atTerminal(['init', '--keystore', path, '--passphrase-file', passphraseFile(), '--kdf-memory-mib', '8']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^\rderiving the key from the passphrase\.\.\. \d+\.\d s/);
    expect(result.stderr).toMatch(/\rderiving the key from the passphrase: calibrating argon2id for this machine\.\.\. \d+\.\d s/);
    expect(result.stderr).toMatch(/\rderiving the key from the passphrase: argon2id, 8 MiB, \d+ passes\.\.\. \d+\.\d s/);
    expect(result.stderr).toMatch(ERASED);
    expect(result.stdout).toMatch(/^created keystore /);
  });

  it('nothing on stderr with --json, or when stderr is not a terminal', async () => {
    const withJson = await atTerminal(['init', '--keystore', join(tempDir(), 'custos.db'), '--passphrase-file', passphraseFile(), ...FAST_KDF_FLAGS, '--json']);
    expect(withJson.code).toBe(0);
    expect(withJson.stderr).toBe('');
    const notTty = await atTerminal(['init', '--keystore', join(tempDir(), 'custos.db'), '--passphrase-file', passphraseFile(), ...FAST_KDF_FLAGS], false);
    expect(notTty.code).toBe(0);
    expect(notTty.stderr).toBe('');
  });

  it('opening a passphrase keystore shows the derivation while it runs; a master key unlock shows nothing', async () => {
    const vault = await initPassphraseVault();
    const opened = await atTerminal(['info', '--keystore', vault.path, '--passphrase-file', vault.passphraseFile]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/^\ropening the keystore: deriving the key from the passphrase \(argon2id\)\.\.\. \d+\.\d s\r +\r$/);

    const byKey = await initVault();
    const { io, result } = fakeIo({ env: byKey.env });
    expect(await runCli(['info'], { ...io, stderrIsTTY: true })).toBe(0);
    expect(result().stderr).toBe('');
  });
});

describe('progress for a new passphrase method', () => {
  it('unlock-methods add --kind passphrase shows the calibration at a terminal, then erases it', async () => {
    const vault = await initVault();
    const { io, result } = fakeIo({ env: vault.env });
    const argv = ['unlock-methods', 'add', '--kind', 'passphrase', '--new-passphrase-file', passphraseFile(), '--kdf-memory-mib', '8'];
    expect(await runCli(argv, { ...io, stderrIsTTY: true })).toBe(0);
    expect(result().stderr).toMatch(/^\rcalibrating argon2id for the new passphrase\.\.\. \d+\.\d s/);
    expect(result().stderr).toMatch(ERASED);
    expect(result().stdout).toMatch(/^added unlock method /);
  });
});

describe('statusLine', () => {
  it('shows the seconds since it started, covers a longer line it replaces, and erases once', () => {
    let text = '';
    const { io } = fakeIo();
    let clock = 1000;
    const line = statusLine({ ...io, stderrIsTTY: true, err: (t) => void (text += t) }, 'working', true, () => clock);
    clock = 3500;
    line.step('a long detail here');
    clock = 4000;
    line.step('short');
    line.finish();
    line.finish();
    line.step('after the end');
    const longest = 'working: a long detail here... 2.5 s';
    expect(text).toBe(`\rworking... 0.0 s\r${longest}\r${'working: short... 3.0 s'.padEnd(longest.length)}\r${' '.repeat('working: short... 3.0 s'.length)}\r`);
  });
});

describe('progress for paper restore --init', () => {
  it('shows the derivation of the new keystore passphrase at a terminal, then erases the line', async () => {
    const { splitSecret } = await import('../../src-main/core/paper/slip39/index.js');
    const { masterKeyCheck } = await import('../../src-main/core/masterkey/subkeys.js');
    const key = new Uint8Array(32).fill(9);
    const shares = splitSecret({ secret: new Uint8Array(key), groupThreshold: 1, groups: [{ threshold: 2, count: 3 }] })[0] ?? [];
    const path = join(tempDir(), 'restored.db');
    const { io, result } = fakeIo({ env: {}, stdin: `${shares[0]}\n${shares[1]}\n` });
    const argv = ['paper', 'restore', '--shares-stdin', '--init', '--keystore', path, '--expect-check', masterKeyCheck(key), '--passphrase-file', passphraseFile(), '--kdf-memory-mib', '8'];
    const code = await runCli(argv, { ...io, stderrIsTTY: true });
    const { stderr, stdout } = result();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/\rderiving the key from the passphrase: calibrating argon2id for this machine\.\.\. \d+\.\d s/);
    expect(stderr).toMatch(/\rderiving the key from the passphrase: argon2id, 8 MiB, \d+ passes\.\.\. \d+\.\d s *\r +\r/);
    expect(stdout).toContain('custos import --keystore');
  });
});

describe('progress for paper split', () => {
  it('draws the sheet bar at 0% before Chromium starts, then to 100%, at a terminal only', async () => {
    const v = await initVault();
    const { io, result } = fakeIo({ env: v.env });
    const out = join(v.dir, 'sheets');
    const code = await runCli(['paper', 'split', '--threshold', '2', '--shares', '3', '--out', out, '--allow-same-disk'], { ...io, stderrIsTTY: true });
    const { stderr } = result();
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('\rrendering sheets [------------------------------] 0% (0/3)');
    expect(stderr).toContain('\rrendering sheets [##############################] 100% (3/3)');
  });
});
