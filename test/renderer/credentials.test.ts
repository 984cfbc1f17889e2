/**
 * What the unlock and rotation forms send to main, built from what was typed
 * (src-renderer/credentials.ts): nothing until every required field is filled,
 * shares tidied, and every secret field emptied afterwards.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { methodCredentialsSchema } from '../../shared/ipc.js';
import { clearDraft, emptyDraft, toCredentials } from '../../src-renderer/credentials.js';

describe('credential drafts', () => {
  it('give nothing until the field a kind needs is filled, then exactly what the contract accepts', () => {
    const d = emptyDraft();
    expect(toCredentials('passphrase', d)).toBeNull();
    expect(toCredentials('pkcs11', d)).toBeNull();
    expect(toCredentials('vault-transit', d)).toBeNull();
    expect(toCredentials('paper', d)).toBeNull();
    d.passphrase = 'pass words';
    d.pin = '1234';
    d.token = 'hvs.token';
    expect(toCredentials('passphrase', d)).toEqual({ kind: 'passphrase', passphrase: 'pass words' });
    expect(toCredentials('pkcs11', d)).toEqual({ kind: 'pkcs11', pin: '1234' });
    expect(toCredentials('vault-kv', d)).toEqual({ kind: 'vault-kv', vault: { auth: { method: 'token', token: 'hvs.token' }, privateCa: false, allowPlainHttp: false } });
    for (const kind of ['passphrase', 'pkcs11', 'vault-kv'] as const) expect(methodCredentialsSchema.safeParse(toCredentials(kind, d)).success).toBe(true);
  });

  it('AppRole needs both the role id and the secret id', () => {
    const d = { ...emptyDraft(), vaultAuth: 'approle' as const, token: 'ignored', roleId: ' role-1 ' };
    expect(toCredentials('vault-transit', d)).toBeNull();
    d.secretId = 'secret-1';
    d.privateCa = true;
    expect(toCredentials('vault-transit', d)).toEqual({ kind: 'vault-transit', vault: { auth: { method: 'approle', roleId: 'role-1', secretId: 'secret-1' }, privateCa: true, allowPlainHttp: false } });
  });

  it('paper shares: spacing tidied, empty fields left out, the share passphrase only when typed', () => {
    const d = emptyDraft();
    d.shares = ['  academic   acid\nacne  ', '', 'zero  zone'];
    expect(toCredentials('paper', d)).toEqual({ kind: 'paper', shares: ['academic acid acne', 'zero zone'] });
    d.sharePassphrase = 'TREZOR';
    expect(toCredentials('paper', d)).toEqual({ kind: 'paper', shares: ['academic acid acne', 'zero zone'], passphrase: 'TREZOR' });
  });

  it('never ask main for plain http:// to Vault: no such field in the draft, no checkbox in the form (main refuses it, test/security/ipcFloors.test.ts)', () => {
    expect(Object.keys(emptyDraft())).not.toContain('allowPlainHttp');
    // Even a draft that carries the old field (a stale form) sends false.
    const stale = { ...emptyDraft(), token: 'hvs.token', allowPlainHttp: true };
    for (const kind of ['vault-transit', 'vault-kv'] as const) expect(toCredentials(kind, stale)).toMatchObject({ vault: { allowPlainHttp: false } });
    const form = readFileSync('src-renderer/components/unlock/CredentialFields.vue', 'utf8');
    expect(form).not.toMatch(/allowPlainHttp|plain http/i);
  });

  it('clearDraft empties every typed field and keeps the number of share fields', () => {
    const d = { ...emptyDraft(), passphrase: 'p', pin: '1', token: 't', roleId: 'role', secretId: 's', sharePassphrase: 'x', shares: ['a b', 'c d', 'e f'] };
    clearDraft(d);
    expect([d.passphrase, d.pin, d.token, d.roleId, d.secretId, d.sharePassphrase]).toEqual(['', '', '', '', '', '']);
    expect(d.shares).toEqual(['', '', '']);
    for (const kind of ['passphrase', 'pkcs11', 'vault-transit', 'paper'] as const) expect(toCredentials(kind, d)).toBeNull();
  });
});
