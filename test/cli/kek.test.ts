import { describe, expect, it } from 'vitest';
import { expectOk, expectTextError, initVault, json, snapshot } from './fixtures.js';

describe('custos kek', () => {
  it('create, generate under it, disable (keys unreadable), enable, destroy (keys destroyed)', async () => {
    const v = await initVault();
    const kek = json<{ id: number; scope: string; owner: string }>(expectOk(await v.run(['kek', 'create', '--client-id', 'billing-svc', '--json'])));
    expect(kek).toMatchObject({ id: 1, scope: 'client', owner: 'billing-svc' });
    expectOk(await v.run(['keys', 'generate', '--client-id', 'billing-svc', '--all']));
    expectOk(await v.run(['kek', 'create', '--system', 'payments']));
    expectOk(await v.run(['keys', 'generate', '--global', '--purpose', 'auth', '--system', 'payments']));
    const list = json<Array<{ id: number; keys: number; state: string }>>(expectOk(await v.run(['kek', 'list', '--json'])));
    expect(list.map((k) => [k.id, k.keys, k.state])).toEqual([
      [1, 6, 'active'],
      [2, 1, 'active'],
    ]);
    expectOk(await v.run(['kek', 'disable', '1']));
    expectTextError(await v.run(['keys', 'show', 'billing-svc_storage', '--public-pem']), 'KEK_DISABLED');
    expect((await v.run(['check'])).code).toBe(1);
    expectOk(await v.run(['kek', 'enable', '1']));
    expectOk(await v.run(['keys', 'show', 'billing-svc_storage', '--public-pem']));
    const before = snapshot(v.path);
    expectTextError(await v.run(['kek', 'destroy', '1']), 'CONFIRMATION_REQUIRED');
    expect(snapshot(v.path)).toEqual(before);
    expectOk(await v.run(['kek', 'destroy', '1', '--yes']));
    const states = json<Array<{ name: string; state: string }>>(expectOk(await v.run(['keys', 'list', '--client-id', 'billing-svc', '--json'])));
    expect(new Set(states.map((k) => k.state))).toEqual(new Set(['destroyed']));
    expectTextError(await v.run(['kek', 'create', '--client-id', 'billing-svc', '--system', 'x']), 'INVALID_ARGUMENT', 2);
    expectOk(await v.run(['audit', 'verify']));
  });
});

describe('custos keys import', () => {
  it('imports raw and PEM material and refuses a wrong length with INVALID_ARGUMENT', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { generateKeyPairSync, randomBytes } = await import('node:crypto');
    const v = await initVault();
    const raw = join(v.dir, 'sym.key');
    writeFileSync(raw, randomBytes(32));
    const pem = join(v.dir, 'x.pem');
    writeFileSync(pem, generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const short = join(v.dir, 'short.key');
    writeFileSync(short, randomBytes(16));
    const sym = json<{ name: string; fingerprint: string }>(expectOk(await v.run(['keys', 'import', '--purpose', 'storage-sym', '--client-id', 'billing-svc', '--raw-file', raw, '--json'])));
    expect(sym.name).toBe('billing-svc_storage_sym');
    expectOk(await v.run(['keys', 'import', '--purpose', 'storage', '--client-id', 'billing-svc', '--pem-file', pem, '--key-type', 'x25519']));
    expectOk(await v.run(['keys', 'show', 'billing-svc_storage', '--public-pem']));
    expectTextError(await v.run(['keys', 'import', '--purpose', 'hmac', '--client-id', 'billing-svc', '--raw-file', short]), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['keys', 'import', '--purpose', 'hmac', '--client-id', 'billing-svc', '--raw-file', raw, '--pem-file', pem]), 'INVALID_ARGUMENT', 2);
    expectOk(await v.run(['check']));
  });
});
