import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterKeyCheck, vaultFingerprintOf } from '../../src-main/core/masterkey/subkeys.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, initVault, json, newKey } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

interface Info {
  vaultName: string | null;
  vaultFingerprint: string;
  keyCheck: string;
  auditHead: string | null;
  ceremonies: Array<{ id: string; identifier: number; quorum: string; custodians: Array<string | null>; supersededAt: string | null; importedFrom: string | null }>;
}

/**
 * Host A makes a named vault, prints a 2-of-3 ceremony (real Chromium sheets,
 * --text), then exports a bundle; host B is made from two of the shares with
 * `paper restore --init`, imports the bundle, and checks the third sheet.
 */
async function ceremonyAndRestore() {
  const dir = tempDir();
  const a = join(dir, 'a', 'custos.db');
  const { key, keyBytes } = newKey();
  const envA = { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: a };
  const runA = (argv: readonly string[]) => runInProcess(argv, { env: envA });
  expectOk(await runA(['init', '--name', 'Payments prod']));
  expectOk(await runA(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
  const sheets = join(dir, 'sheets');
  const split = json<{ ceremonyId: string; identifier: number; vaultFingerprint: string }>(
    expectOk(await runA(['paper', 'split', '--threshold', '2', '--shares', '3', '--custodian', 'Ana', '--out', sheets, '--allow-same-disk', '--text', '--chromium', CHROMIUM, '--json'])),
  );
  const bundle = join(dir, 'keys.bundle');
  const accessKeys = join(dir, 'keys.access.json');
  const exported = expectOk(await runA(['export', '--all', '--private-keys', '--bundle', bundle, '--access-keys', accessKeys])).stdout;
  const b = join(dir, 'b', 'custos.db');
  const keyFile = join(dir, 'b-master.key');
  const shares = [1, 2, 3].map((n) => readFileSync(join(sheets, `share-${n}.txt`), 'utf8').trim());
  const check = masterKeyCheck(keyBytes);
  expectOk(await runInProcess(['paper', 'restore', '--shares-stdin', '--init', '--keystore', b, '--expect-check', check, '--master-key-out', keyFile], { env: {}, stdin: `${shares[0]}\n${shares[1]}\n` }));
  const runB = (argv: readonly string[]) => runInProcess([...argv, '--keystore', b, '--master-key-file', keyFile], { env: {} });
  return { dir, keyBytes, runA, runB, split, sheets, bundle, accessKeys, exported, check };
}

describe('one vault identity, and ceremony records that travel in the bundle', () => {
  it('the restore host says genuine for a sheet of the ceremony once the bundle made after the split is imported', async () => {
    const c = await ceremonyAndRestore();
    const third = join(c.sheets, 'share-3.txt');
    // Before the import, host B holds no record of the ceremony: not genuine (exit 1).
    const before = await c.runB(['paper', 'check', '--share-file', third]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('genuine: NO');

    expectOk(await c.runB(['import', '--bundle', c.bundle, '--access-keys', c.accessKeys]));
    const after = expectOk(await c.runB(['paper', 'check', '--share-file', third]));
    expect(after.stdout).toContain(`genuine: yes, printed by vault ${c.split.vaultFingerprint} in ceremony ${c.split.ceremonyId}`);
    const checked = json<{ genuine: boolean; ceremonyId: string; match: { custodian: string | null } }>(expectOk(await c.runB(['paper', 'check', '--share-file', join(c.sheets, 'share-1.txt'), '--json'])));
    expect(checked).toMatchObject({ genuine: true, ceremonyId: c.split.ceremonyId, match: { custodian: 'Ana' } });
  });

  it('sheets, info on both hosts, the bundle and restore show one vault fingerprint; the ceremony id is the SLIP-0039 identifier everywhere', async () => {
    const c = await ceremonyAndRestore();
    const fingerprint = vaultFingerprintOf(c.keyBytes);
    expect(c.split.vaultFingerprint).toBe(fingerprint);
    expect(c.split.ceremonyId).toBe(String(c.split.identifier));
    const pdf = execFileSync('pdftotext', ['-layout', join(c.sheets, 'share-1.pdf'), '-'], { encoding: 'utf8' });
    expect(pdf).toContain(fingerprint);
    expect(pdf).toContain('Payments prod');
    expect(pdf).toMatch(new RegExp(`Ceremony\\s+${c.split.ceremonyId}\\b`));

    const infoA = json<Info>(expectOk(await c.runA(['info', '--json'])));
    expectOk(await c.runB(['import', '--bundle', c.bundle, '--access-keys', c.accessKeys]));
    const infoB = json<Info>(expectOk(await c.runB(['info', '--json'])));
    expect(infoA).toMatchObject({ vaultName: 'Payments prod', vaultFingerprint: fingerprint, keyCheck: c.check });
    // B had no name: it takes the bundle's.
    expect(infoB).toMatchObject({ vaultName: 'Payments prod', vaultFingerprint: fingerprint, keyCheck: c.check });
    expect(infoA.ceremonies).toEqual([expect.objectContaining({ id: c.split.ceremonyId, quorum: '2 of 3', custodians: ['Ana', null, null], supersededAt: null, importedFrom: null })]);
    expect(infoB.ceremonies).toEqual([expect.objectContaining({ id: c.split.ceremonyId, quorum: '2 of 3', custodians: ['Ana', null, null], importedFrom: expect.stringMatching(/^bundle [0-9a-f]{4}-/) as unknown })]);
    expect(infoA.auditHead).toMatch(/^\d+:[0-9a-f]{16}$/);
    const text = expectOk(await c.runA(['info'])).stdout;
    expect(text).toMatch(/vault\s+Payments prod/);
    expect(text).toContain(`ceremony ${c.split.ceremonyId}`);
    expect(text).toContain('2 of 3');

    expect(c.exported).toContain(`vault            ${fingerprint} (Payments prod)`);
    expect(expectOk(await runInProcess(['bundle', 'inspect', '--bundle', c.bundle], { env: {} })).stdout).toContain(`vault            ${fingerprint}`);
    const inspected = expectOk(await runInProcess(['bundle', 'inspect', '--bundle', c.bundle, '--access-keys', c.accessKeys], { env: {} })).stdout;
    expect(inspected).toContain(`vault            ${fingerprint} (Payments prod)`);
    expect(inspected).toContain(`ceremony ${c.split.ceremonyId}`);
  });

  it('paper check with no keystore names the ceremony as the sheet prints it', async () => {
    const c = await ceremonyAndRestore();
    const offline = expectOk(await runInProcess(['paper', 'check', '--offline', '--share-file', join(c.sheets, 'share-2.txt')], { env: {} }));
    expect(offline.stdout).toContain(`ceremony ${c.split.ceremonyId},`);
  });

  it('init --name refuses an empty or control-character name before creating anything', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    const env = { CUSTOS_MASTER_KEY: newKey().key, CUSTOS_KEYSTORE: path };
    for (const name of ['   ', 'line\nbreak']) {
      const result = await runInProcess(['init', '--name', name], { env });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('INVALID_ARGUMENT');
    }
    expect(existsSync(path)).toBe(false);
    const made = json<{ vaultName: string | null; vaultFingerprint: string }>(expectOk(await runInProcess(['init', '--json'], { env })));
    expect(made.vaultName).toBeNull();
    expect(expectOk(await runInProcess(['info'], { env })).stdout).toMatch(/vault\s+\(unnamed\)/);
  });

  it('info --set-name names the vault (audited); a bad name changes nothing', async () => {
    const v = await initVault();
    expect(json<Info>(expectOk(await v.run(['info', '--json']))).vaultName).toBeNull();
    expect(json<Info>(expectOk(await v.run(['info', '--set-name', 'Payments prod', '--json']))).vaultName).toBe('Payments prod');
    expect((await v.run(['info', '--set-name', ' '])).code).not.toBe(0);
    expect(json<Info>(expectOk(await v.run(['info', '--json']))).vaultName).toBe('Payments prod');
    const entries = json<Array<{ operation: string; subject: { from: string | null; to: string } }>>(expectOk(await v.run(['audit', 'list', '--json'])));
    expect(entries.filter((e) => e.operation === 'vault-rename').map((e) => e.subject)).toEqual([{ from: null, to: 'Payments prod' }]);
  });

  it('importing the same bundle again skips the ceremony it holds already', async () => {
    const c = await ceremonyAndRestore();
    expectOk(await c.runB(['import', '--bundle', c.bundle, '--access-keys', c.accessKeys]));
    const again = expectOk(await c.runB(['import', '--bundle', c.bundle, '--access-keys', c.accessKeys, '--on-conflict', 'skip']));
    expect(again.stdout).toContain(`already recorded here: ceremony ${c.split.ceremonyId}`);
    expect(json<Info>(expectOk(await c.runB(['info', '--json']))).ceremonies).toHaveLength(1);
  });

  it("another vault's superseded ceremony is imported without its tag key: its old sheet is not genuine there, and import says so", async () => {
    const c = await ceremonyAndRestore();
    const newKeyFile = join(c.dir, 'a-new.key');
    expectOk(await c.runA(['master-key', 'rotate', '--new-master-key-out', newKeyFile, '--yes']));
    const bundle = join(c.dir, 'rotated.bundle');
    const accessKeys = join(c.dir, 'rotated.access.json');
    const a = join(c.dir, 'a', 'custos.db');
    expectOk(await runInProcess(['export', '--all', '--private-keys', '--bundle', bundle, '--access-keys', accessKeys, '--keystore', a, '--master-key-file', newKeyFile], { env: {} }));
    const other = tempDir();
    const { key } = newKey();
    const env = { CUSTOS_MASTER_KEY: key, CUSTOS_KEYSTORE: join(other, 'custos.db') };
    expectOk(await runInProcess(['init'], { env }));
    const imported = expectOk(await runInProcess(['import', '--bundle', bundle, '--access-keys', accessKeys], { env })).stdout;
    expect(imported).toContain(`their old sheets are never called genuine here): ceremony ${c.split.ceremonyId}`);
    const check = await runInProcess(['paper', 'check', '--share-file', join(c.sheets, 'share-1.txt')], { env });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('genuine: NO');
  }, 120_000);
});

