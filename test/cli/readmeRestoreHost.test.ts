import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runInteractive, type InteractiveResult } from '../helpers/cli.js';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, initVault, json } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/**
 * The README's restore-host sequence: the fenced block after the marker comment, one
 * command per line. Placeholders it documents, filled in here as an operator would:
 * KEY-CHECK and SEQ:HASH from the "Key check" and "Audit head" lines of a printed sheet;
 * keys.bundle, keys.access.json and host-pass.txt are files in the restore host's folder.
 */
function readmeSequence(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf('<!-- restore-host sequence:');
  expect(marker, 'README marker for the restore-host sequence').toBeGreaterThan(0);
  const open = readme.indexOf('```sh\n', marker) + '```sh\n'.length;
  return readme.slice(open, readme.indexOf('```', open)).split('\n').map((l) => l.trim()).filter(Boolean);
}

/** A line of the printed sheet's text, e.g. 'Key check   3f2a-…'. */
function sheetLine(text: string, label: string): string {
  return new RegExp(`^\\s*${label}\\s+(\\S+)\\s*$`, 'm').exec(text)?.[1] ?? `missing ${label}`;
}

describe('README: the restore-host sequence runs as written', () => {
  it('shares -> paper restore -> --init -> import -> check -> info -> paper check -> audit verify --head', async () => {
    // The ceremony host: a vault with keys, a real split printed to PDF (off the keystore's disk), a real export.
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
    const other = otherDeviceDir();
    const sheets = join(other.dir ?? tempDir(), 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana', '--custodian', 'Ben', '--custodian', 'Cy', '--out', sheets, '--text', '--chromium', CHROMIUM, ...(other.dir ? [] : ['--allow-same-disk'])]));
    const host = tempDir();
    expectOk(await v.run(['export', '--all', '--private-keys', '--bundle', join(host, 'keys.bundle'), '--access-keys', join(host, 'keys.access.json')]));
    writeFileSync(join(host, 'host-pass.txt'), 'the restore host passphrase\n');
    const printed = execFileSync('pdftotext', ['-layout', join(sheets, 'share-1.pdf'), '-'], { encoding: 'utf8' });
    const keyCheck = sheetLine(printed, 'Key check');
    const auditHead = sheetLine(printed, 'Audit head');
    const fingerprint = sheetLine(printed, 'Fingerprint');
    // What the custodians type: the words of their sheets (the --text copies of them).
    const share = (n: number) => readFileSync(join(sheets, `share-${n}.txt`), 'utf8').trim();
    const filesBefore = readdirSync(host).sort();

    const lines = readmeSequence();
    const prefixes = ['npx custos paper restore', 'npx custos paper restore --init ', 'npx custos import ', 'npx custos check ', 'npx custos info ', 'npx custos paper check ', 'npx custos audit verify '];
    expect(lines).toHaveLength(prefixes.length);
    lines.forEach((line, i) => expect(line.startsWith(prefixes[i] ?? '?'), line).toBe(true));
    let afterBare: string[] = [];
    const results: InteractiveResult[] = [];
    const cwd = process.cwd();
    process.chdir(host);
    try {
      for (const line of lines) {
        const argv = line.replace('KEY-CHECK', keyCheck).replace('SEQ:HASH', auditHead).split(/\s+/).slice(2);
        // At the terminal: two custodians type their shares for restore (it stops at the quorum), one for paper check.
        const answers = argv[0] === 'paper' && argv[1] === 'restore' ? [share(1), share(3)] : argv[0] === 'paper' && argv[1] === 'check' ? [share(2), ''] : [];
        results.push(await runInteractive(argv, { env: {}, answers }));
        if (results.length === 1) afterBare = readdirSync(host).sort();
      }
    } finally {
      process.chdir(cwd);
    }
    const [bare, init, imported, checked, info, paperCheck, auditVerify] = results as [InteractiveResult, InteractiveResult, InteractiveResult, InteractiveResult, InteractiveResult, InteractiveResult, InteractiveResult];

    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain(`key check: ${keyCheck}`);
    expect(bare.stdout).toContain(`vault ${fingerprint}`);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout.trim().split('\n').at(-1)?.trim()).toBe(`custos import --keystore ${join(host, 'restored.db')} --passphrase-file ${join(host, 'host-pass.txt')} --bundle BUNDLE --access-keys ACCESS_KEYS`);
    expect(afterBare).toEqual(filesBefore);
    expect(imported.code, imported.stderr).toBe(0);
    expect(checked.code, checked.stderr).toBe(0);
    // Every key of the ceremony host is on the restore host.
    const names = (out: string) => json<Array<{ name: string }>>({ code: 0, stdout: out, stderr: '' }).map((k) => k.name).sort();
    const pass = join(host, 'host-pass.txt');
    const restoredKeys = await runInteractive(['keys', 'list', '--keystore', join(host, 'restored.db'), '--passphrase-file', pass, '--json'], { env: {}, answers: [] });
    expect(names(restoredKeys.stdout)).toEqual(names(expectOk(await v.run(['keys', 'list', '--json'])).stdout));

    // These depend on the vault identity and ceremony records travelling in the bundle (bundle v2) ...
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(fingerprint);
    expect(paperCheck.code, `${paperCheck.stdout}\n${paperCheck.stderr}`).toBe(0);
    expect(paperCheck.stdout).toMatch(/genuine: yes/);
    // ... and on the audit history the bundle carries.
    expect(auditVerify.code, `${auditVerify.stdout}\n${auditVerify.stderr}`).toBe(0);
    expect(auditVerify.stdout).toContain(`ok: head ${auditHead.split(':')[0] ?? '?'}:`);
    expect(auditVerify.stdout).toContain(`belongs to the history imported from vault ${fingerprint}`);
    // The README's passphrase line has no KDF flags, so each unlock runs the calibrated argon2id (about a second).
  }, 180_000);
});
