import { CustosError, type ErrorCode } from '../../../../shared/errors.js';

/** What the client was doing; some HTTP answers mean different things in different steps. */
export type VaultStep = 'health' | 'login' | 'kv-read' | 'kv-write' | 'transit-encrypt' | 'transit-decrypt';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
const TIMEOUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TLS = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Vault's error bodies are `{"errors": ["..."]}`; keep the first, short, as a hint for people. */
function firstError(body: unknown): string {
  const errors = (body as { errors?: unknown } | null)?.errors;
  const first = Array.isArray(errors) && typeof errors[0] === 'string' ? errors[0] : '';
  return first.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

function httpCode(status: number, hint: string, step: VaultStep): ErrorCode {
  if (status === 503) return 'VAULT_SEALED';
  if (status === 403) return step === 'login' ? 'VAULT_AUTH_FAILED' : 'VAULT_FORBIDDEN';
  if (status === 404) return 'VAULT_NOT_FOUND';
  if (status === 400) {
    if (step === 'login') return 'VAULT_AUTH_FAILED';
    if (step === 'kv-write' && /check-and-set/.test(hint)) return 'VAULT_SECRET_EXISTS';
    if (step === 'transit-decrypt') return /not found/.test(hint) ? 'VAULT_NOT_FOUND' : 'VAULT_UNWRAP_FAILED';
    if (step === 'transit-encrypt' && /not found/.test(hint)) return 'VAULT_NOT_FOUND';
  }
  return 'VAULT_ERROR';
}

/**
 * Maps what node-vault (over axios) threw to a CustosError. The original error
 * is never attached as a cause: axios errors carry the request configuration,
 * which holds the X-Vault-Token header and the request body (a secret_id, a
 * plaintext master key). Only the HTTP status, Vault's first error string or
 * the socket error code make it into the message.
 */
export function toVaultError(error: unknown, step: VaultStep, endpoint: string): CustosError {
  if (error instanceof CustosError) return error;
  const response = (error as { response?: { statusCode?: unknown; body?: unknown } } | null)?.response;
  if (response && typeof response.statusCode === 'number') {
    const hint = firstError(response.body);
    const code = httpCode(response.statusCode, hint, step);
    return new CustosError(code, `Vault ${step} at ${endpoint} failed: HTTP ${response.statusCode}${hint ? ` (${hint})` : ''}`);
  }
  const errno = (error as { code?: unknown } | null)?.code;
  const name = typeof errno === 'string' ? errno : '';
  if (TIMEOUT.has(name)) return new CustosError('VAULT_TIMEOUT', `Vault ${step} at ${endpoint} timed out`);
  if (UNREACHABLE.has(name)) return new CustosError('VAULT_UNREACHABLE', `Vault at ${endpoint} could not be reached (${name})`);
  if (name === 'ERR_BAD_RESPONSE') return malformed(step, endpoint, 'the answer could not be parsed');
  if (TLS.test(name)) return new CustosError('VAULT_TLS', `TLS to Vault at ${endpoint} failed (${name}); is its CA given?`);
  return new CustosError('VAULT_ERROR', `Vault ${step} at ${endpoint} failed${name ? ` (${name})` : ''}`);
}

export function malformed(step: VaultStep, endpoint: string, what: string): CustosError {
  return new CustosError('VAULT_MALFORMED', `Vault ${step} at ${endpoint}: ${what}`);
}
