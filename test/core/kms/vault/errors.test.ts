import { describe, expect, it } from 'vitest';
import { toVaultError } from '../../../../src-main/core/kms/vault/errors.js';

const ENDPOINT = 'https://vault.example:8200';

/** What axios rejects with: the request config (token header, body with secrets) rides along. */
function axiosLike(code: string) {
  return Object.assign(new Error(`boom ${code}`), {
    code,
    config: { headers: { 'X-Vault-Token': 'hvs.SECRET-TOKEN' }, data: '{"secret_id":"SECRET-ID"}' },
  });
}

describe('toVaultError', () => {
  it.each([
    ['ECONNREFUSED', 'VAULT_UNREACHABLE'],
    ['ENOTFOUND', 'VAULT_UNREACHABLE'],
    ['ECONNRESET', 'VAULT_UNREACHABLE'],
    ['ECONNABORTED', 'VAULT_TIMEOUT'],
    ['ETIMEDOUT', 'VAULT_TIMEOUT'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'VAULT_TLS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'VAULT_TLS'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'VAULT_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'VAULT_TLS'],
    ['CERT_HAS_EXPIRED', 'VAULT_TLS'],
    ['ERR_BAD_RESPONSE', 'VAULT_MALFORMED'],
    ['EWHATEVER', 'VAULT_ERROR'],
  ])('socket error %s → %s, with no cause and nothing secret attached', (errno, code) => {
    const mapped = toVaultError(axiosLike(errno), 'kv-read', ENDPOINT);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBeUndefined();
    const everything = `${mapped.message} ${JSON.stringify(mapped)} ${mapped.stack ?? ''}`;
    expect(everything).not.toContain('SECRET');
  });

  it.each([
    [503, 'kv-read', 'Vault is sealed', 'VAULT_SEALED'],
    [403, 'kv-read', 'permission denied', 'VAULT_FORBIDDEN'],
    [403, 'login', 'permission denied', 'VAULT_AUTH_FAILED'],
    [400, 'login', 'invalid role or secret ID', 'VAULT_AUTH_FAILED'],
    [404, 'kv-read', '', 'VAULT_NOT_FOUND'],
    [400, 'kv-write', 'check-and-set parameter did not match the current version', 'VAULT_SECRET_EXISTS'],
    [400, 'kv-write', 'no data provided', 'VAULT_ERROR'],
    [400, 'transit-decrypt', 'cipher: message authentication failed', 'VAULT_UNWRAP_FAILED'],
    [400, 'transit-decrypt', 'encryption key not found', 'VAULT_NOT_FOUND'],
    [500, 'transit-encrypt', 'internal error', 'VAULT_ERROR'],
  ] as const)('HTTP %i in %s (%s) → %s', (status, step, message, code) => {
    const apiError = Object.assign(new Error(message), { response: { statusCode: status, body: { errors: message ? [message] : [] } } });
    const mapped = toVaultError(apiError, step, ENDPOINT);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(`HTTP ${status}`);
    expect(mapped.cause).toBeUndefined();
  });
});
