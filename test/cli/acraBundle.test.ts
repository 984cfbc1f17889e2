import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAcraKeyList, encodeAcraKeyList } from '../../src-main/core/acra/gobKeys.js';
import { acraKeymakerFolder } from '../core/acra/acraFolder.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';
import { expectJsonError, expectOk, initVault, json, keyVersionLines, snapshot, type CliVault } from './fixtures.js';

const acraKey = Buffer.alloc(32, 5);
const ACRA_ENV = { ACRA_MASTER_KEY: acraKey.toString('base64') };

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** As acra-keys export writes it: the key files in the clear, gob-encoded, sealed by Themis under a fresh 32-byte key with no context. */
async function themisBundle(dir: string, entries: Array<{ name: string; content: Uint8Array }>) {
  const themis = await wasmThemis();
  const secret = new Uint8Array(randomBytes(32));
  const data = themis.SecureCellSeal.withKey(secret).encrypt(encodeAcraKeyList(entries));
  const bundle = join(dir, 'keys.bundle');
  const secretFile = join(dir, 'keys.secret');
  writeFileSync(bundle, data, { mode: 0o600 });
  writeFileSync(secretFile, secret, { mode: 0o600 });
  return { bundle, secretFile };
}

async function vaultWithKeys(): Promise<CliVault> {
  const v = await initVault();
  expectOk(await v.run(['keys', 'generate', '--client-id', 'billing', '--purpose', 'storage', '--purpose', 'storage-sym', '--purpose', 'hmac']));
  expectOk(await v.run(['keys', 'generate', '--global', '--purpose', 'poison', '--purpose', 'poison-sym', '--purpose', 'secure-log']));
  expectOk(await v.run(['keys', 'rotate', 'billing_storage_sym']));
  return v;
}

describe('custos acra bundle import', () => {
  it('imports a bundle that Themis sealed as acra-keys export does, with the keys acra import finds in the same folder', async () => {
    const v = await initVault();
    const { files, clear } = await acraKeymakerFolder(join(v.dir, 'keymaker'), acraKey, 'orders');
    const { bundle, secretFile } = await themisBundle(v.dir, files.map((f) => ({ name: f.path, content: clear.get(f.path)! })));
    const report = json<{ versions: number; entries: number }>(expectOk(await v.run(['acra', 'bundle', 'import', '--bundle', bundle, '--secret', secretFile, '--json'])));
    expect(report).toMatchObject({ versions: 8, entries: files.length });
    const viaFolder = await initVault();
    expectOk(await viaFolder.run(['acra', 'import', '--from', join(v.dir, 'keymaker')], ACRA_ENV));
    expect(await keyVersionLines(v)).toEqual(await keyVersionLines(viaFolder));
  });

  it('names a wrong secret, a short one, a stray name and a key of the wrong kind, and writes nothing', async () => {
    const v = await initVault();
    const { files, clear } = await acraKeymakerFolder(join(v.dir, 'keymaker'), acraKey, 'orders');
    const entries = files.map((f) => ({ name: f.path, content: clear.get(f.path)! }));
    const before = snapshot(v.path);
    const { bundle, secretFile } = await themisBundle(v.dir, entries);
    const otherSecret = join(v.dir, 'other.secret');
    writeFileSync(otherSecret, randomBytes(32));
    expectJsonError(await v.run(['acra', 'bundle', 'import', '--bundle', bundle, '--secret', otherSecret, '--json']), 'BUNDLE_TAMPERED');
    writeFileSync(otherSecret, readFileSync(secretFile).subarray(0, 31));
    expectJsonError(await v.run(['acra', 'bundle', 'import', '--bundle', bundle, '--secret', otherSecret, '--json']), 'ACCESS_KEYS_MALFORMED');
    const stray = await themisBundle(v.dir, [...entries, { name: 'backup-notes.txt', content: new Uint8Array(32) }]);
    expect(expectJsonError(await v.run(['acra', 'bundle', 'import', '--bundle', stray.bundle, '--secret', stray.secretFile, '--json']), 'ACRA_KEYSTORE_MALFORMED')).toContain('backup-notes.txt');
    const wrongKind = await themisBundle(v.dir, entries.map((e) => (e.name === 'orders_hmac' ? { ...e, content: new Uint8Array(16) } : e)));
    expect(expectJsonError(await v.run(['acra', 'bundle', 'import', '--bundle', wrongKind.bundle, '--secret', wrongKind.secretFile, '--json']), 'ACRA_KEY_UNREADABLE')).toContain('orders_hmac');
    expect(snapshot(v.path)).toEqual(before);
  });
});

describe('custos acra bundle export', () => {
  it('writes what acra-keys import reads: the files acra export writes, in the clear, sealed under the secret', async () => {
    const v = await vaultWithKeys();
    const bundle = join(v.dir, 'out.bundle');
    const secret = join(v.dir, 'out.secret');
    expectOk(await v.run(['acra', 'bundle', 'export', '--client-id', 'billing', '--global', '--bundle', bundle, '--secret', secret]));
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(statSync(secret).size).toBe(32);
    const themis = await wasmThemis();
    const entries = decodeAcraKeyList(themis.SecureCellSeal.withKey(readFileSync(secret)).decrypt(readFileSync(bundle)));
    // The same files acra export writes into a folder; their contents are those files opened with Acra's contexts.
    const folder = join(v.dir, '.acrakeys');
    expectOk(await v.run(['acra', 'export', '--out', folder, '--client-id', 'billing', '--global'], ACRA_ENV));
    expect(entries.map((e) => e.name).sort()).toEqual(walk(folder));
    const cell = themis.SecureCellSeal.withKey(acraKey);
    const sym = entries.find((e) => e.name === 'billing_storage_sym')!;
    expect(Buffer.from(cell.decrypt(readFileSync(join(folder, 'billing_storage_sym')), Buffer.from('billing')))).toEqual(Buffer.from(sym.content));
    const pub = entries.find((e) => e.name === 'billing_storage.pub')!;
    expect(Buffer.from(pub.content)).toEqual(readFileSync(join(folder, 'billing_storage.pub')));
  });

  it('round-trips into a fresh vault, and never writes over existing files unless --force', async () => {
    const v = await vaultWithKeys();
    const bundle = join(v.dir, 'out.bundle');
    const secret = join(v.dir, 'out.secret');
    expectOk(await v.run(['acra', 'bundle', 'export', '--client-id', 'billing', '--global', '--bundle', bundle, '--secret', secret]));
    const fresh = await initVault();
    expectOk(await fresh.run(['acra', 'bundle', 'import', '--bundle', bundle, '--secret', secret]));
    expect(await keyVersionLines(fresh)).toEqual(await keyVersionLines(v));
    const kept = readFileSync(secret);
    expectJsonError(await v.run(['acra', 'bundle', 'export', '--global', '--bundle', bundle, '--secret', secret, '--json']), 'FILE_EXISTS');
    expect(readFileSync(secret)).toEqual(kept);
    expectOk(await v.run(['acra', 'bundle', 'export', '--global', '--bundle', bundle, '--secret', secret, '--force']));
    expect(readFileSync(secret)).not.toEqual(kept);
    expectJsonError(await v.run(['acra', 'bundle', 'export', '--global', '--bundle', bundle, '--secret', bundle, '--force', '--json']), 'INVALID_ARGUMENT', 2);
  });
});
