import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, expectTextError, initPassphraseVault, initVault, snapshot } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** A folder for sheets off the keystore's disk (/dev/shm), or, where there is none, the same disk with --allow-same-disk and the reason printed. */
function sheetsFolder(name: string): string[] {
  const other = otherDeviceDir();
  if (other.dir) return ['--out', join(other.dir, name)];
  console.warn(`sheets written beside the keystore with --allow-same-disk: ${other.reason}`);
  return ['--out', join(tempDir(), name), '--allow-same-disk'];
}

describe('paper split: --passphrase-file is the keystore passphrase, --share-passphrase-file the SLIP-0039 one', () => {
  it('unlocks a passphrase keystore with --passphrase-file; its shares restore with no share passphrase', async () => {
    const pv = await initPassphraseVault();
    const out = sheetsFolder('sheets');
    // pv.run adds --keystore and --passphrase-file (the keystore passphrase), as on every other command.
    expectOk(await pv.run(['paper', 'split', '--threshold', '2', '--shares', '2', ...out, '--text', '--chromium', CHROMIUM]));
    const files = ['share-1.txt', 'share-2.txt'].flatMap((f) => ['--share-file', join(out[1] ?? '', f)]);
    expectOk(await pv.run(['paper', 'check', '--share-file', join(out[1] ?? '', 'share-1.txt')]));
    // restore --verify opens the keystore with the recovered key: no keystore passphrase, and none for the shares.
    const verified = expectOk(await runInProcess(['paper', 'restore', ...files, '--verify', '--keystore', pv.path]));
    expect(verified.stdout).toContain(`unlocks ${pv.path}`);
  });

  it('needs --share-passphrase-file to restore shares made with one, and no longer takes --keystore-passphrase-file', async () => {
    const pv = await initPassphraseVault();
    const sharePass = join(pv.dir, 'share-pass.txt');
    writeFileSync(sharePass, 'words on no sheet\n');
    const out = sheetsFolder('sheets');
    expectOk(await pv.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--share-passphrase-file', sharePass, ...out, '--text', '--chromium', CHROMIUM]));
    const files = ['share-1.txt', 'share-2.txt'].flatMap((f) => ['--share-file', join(out[1] ?? '', f)]);
    const without = await runInProcess(['paper', 'restore', ...files, '--verify', '--keystore', pv.path]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/error WRONG_MASTER_KEY: /);
    expectOk(await runInProcess(['paper', 'restore', ...files, '--share-passphrase-file', sharePass, '--verify', '--keystore', pv.path]));
    const old = await pv.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--keystore-passphrase-file', pv.passphraseFile, ...sheetsFolder('old'), '--chromium', CHROMIUM]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('--keystore-passphrase-file');
  });
});

describe('paper split: where share words end up', () => {
  it('refuses --out on the keystore\'s disk unless --allow-same-disk, before anything is made', async () => {
    const v = await initVault();
    const out = join(tempDir(), 'sheets');
    const store = snapshot(v.path);
    const message = expectTextError(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--out', out, '--chromium', CHROMIUM]), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('same disk as the keystore');
    expect(message).toContain('--allow-same-disk');
    expect(message).toContain('--printer');
    expect(existsSync(out)).toBe(false);
    expect(snapshot(v.path)).toEqual(store);
  });

  it('writes to another device (tmpfs here, as a USB stick would be) and ends by listing every file that holds share words', async (ctx) => {
    const other = otherDeviceDir();
    if (!other.dir) {
      console.warn(`skipped: ${other.reason}`);
      ctx.skip();
      return;
    }
    const v = await initVault();
    const out = join(other.dir, 'sheets');
    const result = expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana', '--out', out, '--text', '--chromium', CHROMIUM]));
    const written = readdirSync(out).map((f) => join(out, f)).sort();
    expect(written).toHaveLength(6);
    const listing = result.stdout.slice(result.stdout.indexOf('6 files hold share words'));
    for (const file of written) expect(listing).toContain(`  ${file}\n`);
    expect(listing).toMatch(/delete every one of these files/);
    // Fewer names than sheets is allowed, and the output says which sheets have none.
    expect(result.stdout).toContain('No custodian named on: share-2, share-3');
  });

  it('refuses more custodian names than shares before anything happens', async () => {
    const v = await initVault();
    const out = sheetsFolder('sheets');
    const store = snapshot(v.path);
    const message = expectTextError(await v.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--custodian', 'Ana', '--custodian', 'Ben', '--custodian', 'Cy', ...out, '--chromium', CHROMIUM]), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('3 custodian names for 2 shares');
    expect(existsSync(out[1] ?? '')).toBe(false);
    expect(snapshot(v.path)).toEqual(store);
  });

  it('refuses a custodian name a sheet cannot print (control characters, empty, too long) before anything happens', async () => {
    const v = await initVault();
    const out = sheetsFolder('sheets');
    const store = snapshot(v.path);
    for (const name of ['Ana\u001b[2J', '   ', 'x'.repeat(101)]) {
      const message = expectTextError(await v.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--custodian', name, ...out, '--chromium', CHROMIUM]), 'INVALID_ARGUMENT', 2);
      expect(message).toContain('a custodian name is 1 to 100 printable characters');
    }
    expect(existsSync(out[1] ?? '')).toBe(false);
    expect(snapshot(v.path)).toEqual(store);
  });

  it('prints A4 (595x842 pt) or US Letter (612x792 pt), one page per sheet, naming the vault', async () => {
    const v = await initVault();
    // A second vault with a human name (custos init --name), as on the ceremony laptop.
    const named = join(tempDir(), 'named.db');
    expectOk(await v.run(['init', '--keystore', named, '--name', 'Payments EU']));
    const sizes: Record<string, string> = {};
    for (const size of ['a4', 'letter']) {
      const out = sheetsFolder(size);
      const keystore = size === 'letter' ? ['--keystore', named] : [];
      expectOk(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--paper-size', size, ...out, ...keystore, '--chromium', CHROMIUM]));
      const info = execFileSync('pdfinfo', [join(out[1] ?? '', 'share-1.pdf')], { encoding: 'utf8' });
      expect(info).toMatch(/^Pages:\s+1$/m);
      sizes[size] = /^Page size:\s+(\S+) x (\S+) pts/m.exec(info)?.slice(1, 3).map((n) => Math.round(Number(n))).join('x') ?? '';
      const text = execFileSync('pdftotext', ['-layout', join(out[1] ?? '', 'share-1.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toMatch(size === 'letter' ? /Vault\s+Payments EU\n/ : /Vault\s+\(unnamed vault\)\n/);
    }
    expect(sizes).toEqual({ a4: '595x842', letter: '612x792' });
  });
});

describe('paper split --printer (real CUPS: paperCups.test.ts)', () => {
  it('refuses --text with --printer (text files hold share words)', async () => {
    const v = await initVault();
    expect(expectTextError(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--printer', 'office', '--text']), 'INVALID_ARGUMENT', 2)).toContain('--text writes share words to files');
  });
});
