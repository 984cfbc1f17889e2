import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/keys.js';
import { acraKeymakerFolder } from '../core/acra/acraFolder.js';
import { expectJsonError, expectOk, expectTextError, initVault, json, snapshot } from './fixtures.js';

async function setup() {
  const v = await initVault();
  const dir = join(v.dir, '.acrakeys');
  const acraKey = Buffer.alloc(32, 9);
  await acraKeymakerFolder(dir, acraKey, 'orders-svc');
  const keyFile = join(v.dir, 'acra.key');
  writeFileSync(keyFile, `${acraKey.toString('base64')}\n`);
  return { v, dir, keyFile, acraKey };
}

describe('custos acra import', () => {
  it('imports a folder made by Themis as acra-keymaker lays it out, rotated versions included', async () => {
    const { v, dir, keyFile } = await setup();
    const report = json<{ versions: number; keys: KeyInfo[] }>(expectOk(await v.run(['acra', 'import', '--from', dir, '--acra-master-key-file', keyFile, '--json'])));
    expect(report.versions).toBe(8);
    const listed = json<KeyInfo[]>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])));
    expect(listed.map((k) => `${k.name} v${k.version} ${k.state} ${k.algorithm}`).sort()).toEqual(
      [
        'orders-svc_storage v1 rotated p256',
        'orders-svc_storage v2 rotated p256',
        'orders-svc_storage v3 active p256',
        'orders-svc_storage_sym v1 active sym256',
        'orders-svc_hmac v1 active sym256',
        'poison_key v1 active p256',
        'poison_key_sym v1 active sym256',
        'secure_log_key v1 active sym256',
      ].sort(),
    );
    expect(listed.map((k) => k.fingerprint)).toEqual(report.keys.sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version).map((k) => k.fingerprint));
    expectOk(await v.run(['check']));
  });

  it('without --json prints the summary, then one table row per version with its fingerprint', async () => {
    const { v, dir, keyFile } = await setup();
    const lines = expectOk(await v.run(['acra', 'import', '--from', dir, '--acra-master-key-file', keyFile])).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`imported 8 key versions from ${dir}`);
    expect(lines[1]).toMatch(/^NAME\s+PURPOSE\s+ALGORITHM\s+VERSION\s+STATE\s+FINGERPRINT$/);
    const listed = json<KeyInfo[]>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])));
    const rows = lines.slice(2).map((line) => line.split(/\s+/).join(' '));
    expect(rows.sort()).toEqual(listed.map((k) => `${k.name} ${k.purpose} ${k.algorithm} ${k.version} ${k.state} ${k.fingerprint}`).sort());
  });

  it('a wrong Acra master key ($ACRA_MASTER_KEY) is ACRA_WRONG_MASTER_KEY, and the vault is not touched', async () => {
    const { v, dir } = await setup();
    const before = snapshot(v.path);
    expectTextError(await v.run(['acra', 'import', '--from', dir], { ACRA_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }), 'ACRA_WRONG_MASTER_KEY');
    expect(snapshot(v.path)).toEqual(before);
  });

  it('a stray file is ACRA_KEYSTORE_MALFORMED naming it; a malformed key file ACRA_MASTER_KEY_MALFORMED', async () => {
    const { v, dir, keyFile } = await setup();
    writeFileSync(join(dir, 'README.md'), 'our keys');
    const before = snapshot(v.path);
    expect(expectJsonError(await v.run(['acra', 'import', '--from', dir, '--acra-master-key-file', keyFile, '--json']), 'ACRA_KEYSTORE_MALFORMED')).toContain('README.md');
    const bad = join(v.dir, 'bad.key');
    writeFileSync(bad, 'c2hvcnQ=');
    expectTextError(await v.run(['acra', 'import', '--from', dir, '--acra-master-key-file', bad]), 'ACRA_MASTER_KEY_MALFORMED');
    expect(snapshot(v.path)).toEqual(before);
  });
});
