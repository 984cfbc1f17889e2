import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectVault } from '../../../../src-main/core/kms/vault/connect.js';
import { transitUnwrap, transitWrap } from '../../../../src-main/core/kms/vault/transit.js';
import { makeTestCa, opensslAvailable, type TestCa } from '../../../helpers/testCa.js';
import { startVaultStandIn, type VaultStandIn } from '../../../helpers/vaultStandIn.js';
import { errorCodeOf } from '../../../helpers/errorCode.js';

const hasOpenssl = opensslAvailable();
if (!hasOpenssl) console.log('SKIPPED Vault TLS tests: the openssl command is not installed (needed to make a test CA)');

const TOKEN = 'hvs.tls-test-token';


describe.skipIf(!hasOpenssl)('Vault over HTTPS with a custom CA (Vault stand-in, openssl-made CA)', () => {
  let ca: TestCa;
  let other: TestCa;
  let vault: VaultStandIn;

  beforeAll(async () => {
    ca = makeTestCa();
    other = makeTestCa('Some other CA');
    vault = await startVaultStandIn({ cert: ca.serverCert, key: ca.serverKey });
    vault.addToken(TOKEN);
  });
  afterAll(() => vault.close());
  afterEach(() => vi.unstubAllEnvs());

  const options = () => ({ endpoint: vault.url, auth: { method: 'token' as const, token: TOKEN }, timeoutMs: 3000 });

  it('with the CA given: connects over https and wraps/unwraps through transit', async () => {
    expect(vault.url).toMatch(/^https:/);
    const conn = await connectVault({ ...options(), caPem: ca.caPem });
    const wrapped = await transitWrap(conn, { name: 'k' }, new Uint8Array(32).fill(4), new Uint8Array(1));
    expect(await transitUnwrap(conn, { name: 'k' }, wrapped, new Uint8Array(1))).toEqual(new Uint8Array(32).fill(4));
  });

  it('without the CA, or with another CA → VAULT_TLS before any request is answered', async () => {
    const before = vault.requests.length;
    expect(await errorCodeOf(connectVault(options()))).toBe('VAULT_TLS');
    expect(await errorCodeOf(connectVault({ ...options(), caPem: other.caPem }))).toBe('VAULT_TLS');
    expect(vault.requests.length).toBe(before);
  });

  it('VAULT_SKIP_VERIFY and NODE_TLS_REJECT_UNAUTHORIZED in the environment do not turn verification off', async () => {
    vi.stubEnv('VAULT_SKIP_VERIFY', '1');
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');
    expect(await errorCodeOf(connectVault(options()))).toBe('VAULT_TLS');
  });

  it('a certificate from the right CA but for another host name → VAULT_TLS', async () => {
    const elsewhere = makeTestCa('Custos test CA 2', 'DNS:vault.example.invalid');
    const misnamed = await startVaultStandIn({ cert: elsewhere.serverCert, key: elsewhere.serverKey });
    try {
      misnamed.addToken(TOKEN);
      expect(await errorCodeOf(connectVault({ ...options(), endpoint: misnamed.url, caPem: elsewhere.caPem }))).toBe('VAULT_TLS');
      expect(misnamed.requests).toHaveLength(0);
    } finally {
      await misnamed.close();
    }
  });
});
