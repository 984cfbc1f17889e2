import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonError, expectOk, expectTextError, initVault, json } from './fixtures.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('custos acra export', () => {
  it('writes the keystore folder and a new Acra master key (0600) that wasm-themis opens it with', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
    expectOk(await v.run(['keys', 'generate', '--global', '--all']));
    const out = join(v.dir, '.acrakeys');
    const keyFile = join(v.dir, 'acra-master.key');
    const report = json<{ out: string; files: number; keys: unknown[]; acraMasterKeyFile: string }>(
      expectOk(await v.run(['acra', 'export', '--out', out, '--client-id', 'billing-svc', '--global', '--new-acra-master-key-out', keyFile, '--json'])),
    );
    expect(report).toMatchObject({ out, files: 15, acraMasterKeyFile: keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const acraKey = Buffer.from(readFileSync(keyFile, 'latin1').trim(), 'base64');
    expect(acraKey.length).toBe(32);
    // Acra's master key is not the vault's.
    expect(acraKey.equals(v.keyBytes)).toBe(false);
    const themis = await wasmThemis();
    const cell = themis.SecureCellSeal.withKey(acraKey);
    expect(new Uint8Array(cell.decrypt(readFileSync(join(out, 'billing-svc_storage')), utf8('billing-svc'))).subarray(0, 4)).toEqual(utf8('REC2'));
    expect(new Uint8Array(cell.decrypt(readFileSync(join(out, '.poison_key/poison_key_sym')), utf8('.poison_key/poison_key_sym'))).length).toBe(32);
  });

  it('takes the Acra master key from $ACRA_MASTER_KEY, which never unlocks the Custos keystore here', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--purpose', 'storage']));
    const acraKey = Buffer.alloc(32, 7).toString('base64');
    const out = join(v.dir, 'acrakeys');
    const text = expectOk(await v.run(['acra', 'export', '--out', out, '--client-id', 'billing-svc'], { ACRA_MASTER_KEY: acraKey })).stdout;
    expect(text).toContain('acra-server --keystore_encryption_type=env_master_key');
    expect(text).not.toContain(acraKey);
    const cell = (await wasmThemis()).SecureCellSeal.withKey(Buffer.alloc(32, 7));
    expect(() => cell.decrypt(readFileSync(join(out, 'billing-svc_storage')), utf8('billing-svc'))).not.toThrow();
    // Elsewhere Custos accepts ACRA_MASTER_KEY as its own key; in `custos acra` it is Acra's alone.
    const withoutCustosKey = { CUSTOS_MASTER_KEY: '', ACRA_MASTER_KEY: v.key };
    expect(expectTextError(await v.run(['acra', 'export', '--out', join(v.dir, 'other'), '--client-id', 'billing-svc'], withoutCustosKey), 'MASTER_KEY_MISSING')).toContain("ACRA_MASTER_KEY is Acra's key");
  });

  it('never writes into a folder that holds files unless --force', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--global', '--all']));
    const out = join(v.dir, '.acrakeys');
    mkdirSync(out);
    writeFileSync(join(out, 'secure_log_key'), 'older');
    const key = join(v.dir, 'k');
    writeFileSync(key, Buffer.alloc(32, 1).toString('base64'));
    expectTextError(await v.run(['acra', 'export', '--out', out, '--global', '--acra-master-key-file', key]), 'FILE_EXISTS');
    expect(readFileSync(join(out, 'secure_log_key'), 'utf8')).toBe('older');
    expectOk(await v.run(['acra', 'export', '--out', out, '--global', '--acra-master-key-file', key, '--force']));
    expect(readFileSync(join(out, 'secure_log_key')).length).toBe(76);
  });

  it('refuses an X25519 key by name and leaves no folder and no new master key file behind', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'legacy-svc', '--purpose', 'storage', '--key-type', 'x25519']));
    const out = join(v.dir, '.acrakeys');
    const keyFile = join(v.dir, 'acra.key');
    const message = expectJsonError(await v.run(['acra', 'export', '--out', out, '--client-id', 'legacy-svc', '--new-acra-master-key-out', keyFile, '--json']), 'ACRA_KEY_UNSUPPORTED');
    expect(message).toContain('legacy-svc_storage');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('usage errors: no keys chosen, two master key sources, no master key, an existing key file', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--global', '--all']));
    const out = join(v.dir, 'o');
    expectTextError(await v.run(['acra', 'export', '--out', out, '--new-acra-master-key-out', join(v.dir, 'a')]), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['acra', 'export', '--out', out, '--global', '--acra-master-key-file', 'x', '--new-acra-master-key-out', 'y']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['acra', 'export', '--out', out, '--global']), 'INVALID_ARGUMENT', 2);
    const bad = join(v.dir, 'short.key');
    writeFileSync(bad, Buffer.alloc(16).toString('base64'));
    expectTextError(await v.run(['acra', 'export', '--out', out, '--global', '--acra-master-key-file', bad]), 'ACRA_MASTER_KEY_MALFORMED');
    const taken = join(v.dir, 'taken.key');
    writeFileSync(taken, 'keep me');
    expectTextError(await v.run(['acra', 'export', '--out', out, '--global', '--new-acra-master-key-out', taken]), 'FILE_EXISTS');
    expect(readFileSync(taken, 'utf8')).toBe('keep me');
    expect(readdirSync(v.dir).sort()).toEqual(['short.key', 'taken.key', 'vault']);
  });
});
