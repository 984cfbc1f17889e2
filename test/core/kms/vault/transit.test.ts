import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectVault, type VaultConnection } from '../../../../src-main/core/kms/vault/connect.js';
import { transitUnwrap, transitWrap, transitWrapper } from '../../../../src-main/core/kms/vault/transit.js';
import { startVaultStandIn, type VaultStandIn } from '../../../helpers/vaultStandIn.js';
import { errorCodeOf } from '../../../helpers/errorCode.js';

const TOKEN = 'hvs.transit-test-token';
const key = { name: 'custos-root' };
const context = new Uint8Array(16).fill(0xab);


describe('Vault transit wrap/unwrap (Vault stand-in)', () => {
  let vault: VaultStandIn;
  let conn: VaultConnection;

  beforeEach(async () => {
    vault = await startVaultStandIn();
    vault.addToken(TOKEN);
    conn = await connectVault({ endpoint: vault.url, auth: { method: 'token', token: TOKEN }, allowPlainHttp: true, timeoutMs: 2000 });
  });
  afterEach(() => vault.close());

  it('round-trips the master key; the key stays in Vault; the context goes as associated_data', async () => {
    const wrapper = transitWrapper(conn, key);
    const masterKey = new Uint8Array(randomBytes(32));
    const wrapped = await wrapper.wrap(masterKey, context);
    expect(wrapped).toMatch(/^vault:v1:[A-Za-z0-9+/]+=*$/);
    expect(await wrapper.unwrap(wrapped, context)).toEqual(masterKey);
    const [encrypt] = vault.requests.filter((r) => r.path === 'transit/encrypt/custos-root');
    expect(encrypt?.body).toEqual({ plaintext: Buffer.from(masterKey).toString('base64'), associated_data: expect.any(String) });
    // u32be(30) "custos/unlock/vault-transit/v1" u32be(16) context, as documented in docs/formats/unlock-methods.md.
    expect((encrypt?.body as { associated_data: string }).associated_data).toBe('AAAAHmN1c3Rvcy91bmxvY2svdmF1bHQtdHJhbnNpdC92MQAAABCrq6urq6urq6urq6urq6ur');
    expect(wrapper.describe()).toEqual({ kind: 'vault-transit', endpoint: vault.url, mount: 'transit', keyName: 'custos-root' });
  });

  it('wrong context, changed ciphertext, another key → VAULT_UNWRAP_FAILED; unknown key → VAULT_NOT_FOUND', async () => {
    const wrapped = await transitWrap(conn, key, new Uint8Array(32).fill(1), context);
    expect(await errorCodeOf(transitUnwrap(conn, key, wrapped, new Uint8Array(16)))).toBe('VAULT_UNWRAP_FAILED');
    const raw = Buffer.from(wrapped.slice('vault:v1:'.length), 'base64');
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(await errorCodeOf(transitUnwrap(conn, key, `vault:v1:${raw.toString('base64')}`, context))).toBe('VAULT_UNWRAP_FAILED');
    await transitWrap(conn, { name: 'other-key' }, new Uint8Array(32), context);
    expect(await errorCodeOf(transitUnwrap(conn, { name: 'other-key' }, wrapped, context))).toBe('VAULT_UNWRAP_FAILED');
    expect(await errorCodeOf(transitUnwrap(conn, { name: 'never-created' }, wrapped, context))).toBe('VAULT_NOT_FOUND');
    expect(await errorCodeOf(transitUnwrap(conn, key, 'not-a-vault-ciphertext', context))).toBe('VAULT_UNWRAP_FAILED');
  });

  it('malformed transit answers → VAULT_MALFORMED (missing field, bad prefix, bad base64, wrong length)', async () => {
    const wrapped = await transitWrap(conn, key, new Uint8Array(32), context);
    vault.switches.malformed = { path: /^transit\/encrypt\//, status: 200, body: '{"data": {"ciphertext": "plain:abc"}}' };
    expect(await errorCodeOf(transitWrap(conn, key, new Uint8Array(32), context))).toBe('VAULT_MALFORMED');
    vault.switches.malformed = { path: /^transit\/encrypt\//, status: 200, body: '{"data": {}}' };
    expect(await errorCodeOf(transitWrap(conn, key, new Uint8Array(32), context))).toBe('VAULT_MALFORMED');
    const plaintexts = ['"***"', JSON.stringify(Buffer.alloc(16).toString('base64')), '5'];
    for (const plaintext of plaintexts) {
      vault.switches.malformed = { path: /^transit\/decrypt\//, status: 200, body: `{"data": {"plaintext": ${plaintext}}}` };
      expect(await errorCodeOf(transitUnwrap(conn, key, wrapped, context)), plaintext).toBe('VAULT_MALFORMED');
    }
    vault.switches.malformed = { path: /^transit\/decrypt\//, status: 200, body: '<!doctype html>' };
    expect(await errorCodeOf(transitUnwrap(conn, key, wrapped, context))).toBe('VAULT_MALFORMED');
  });

  it('refuses a master key that is not 32 bytes and key names with a slash', async () => {
    expect(await errorCodeOf(transitWrap(conn, key, new Uint8Array(31), context))).toBe('MASTER_KEY_MALFORMED');
    expect(await errorCodeOf(transitWrap(conn, { name: 'a/b' }, new Uint8Array(32), context))).toBe('INVALID_ARGUMENT');
    expect(vault.requests.filter((r) => r.path.startsWith('transit/'))).toHaveLength(0);
  });
});
