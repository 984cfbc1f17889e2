import { createRequire } from 'node:module';
import type nodeVault from 'node-vault';

/** The few HTTP calls Custos makes, so the rest of the client never touches node-vault's `any` types. */
export interface VaultHttp {
  health(): Promise<unknown>;
  approleLogin(mount: string, roleId: string, secretId: string): Promise<unknown>;
  read(path: string): Promise<unknown>;
  write(path: string, body: Record<string, unknown>): Promise<unknown>;
  /** Drops the token held by the client (after use, or a failed login). */
  forgetToken(): void;
}

export interface VaultHttpOptions {
  endpoint: string;
  token?: string | undefined;
  namespace?: string | undefined;
  /** PEM of the CA that signed Vault's certificate, replacing the system roots for this client. */
  caPem?: string | undefined;
  timeoutMs: number;
}

function noDebug(): void {
  // node-vault's debug output prints request bodies (plaintexts, secret_ids)
  // when DEBUG=node-vault is set; Custos never lets it print anything.
}

/**
 * Creates a node-vault client that depends on nothing in the environment:
 * node-vault otherwise falls back to VAULT_ADDR, VAULT_TOKEN, VAULT_PREFIX,
 * VAULT_NAMESPACE and, worst, VAULT_SKIP_VERIFY (which turns certificate
 * checks off). Certificates are always verified; with `caPem` against that CA.
 */
export function createVaultHttp(options: VaultHttpOptions): VaultHttp {
  const requestOptions: Record<string, unknown> = { strictSSL: true, timeout: options.timeoutMs };
  if (options.caPem !== undefined) requestOptions.ca = options.caPem;
  // Required here, not imported: node-vault and its HTTP stack are loaded only when Vault is used.
  const load = createRequire(import.meta.url)('node-vault') as typeof nodeVault;
  const client = load({
    apiVersion: 'v1',
    endpoint: options.endpoint,
    debug: noDebug,
    requestOptions,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
  });
  // Overwrite what node-vault read from the environment when an option was absent.
  const raw = client as unknown as { token: string; pathPrefix: string; namespace: string | undefined };
  raw.pathPrefix = '';
  if (options.token === undefined) raw.token = '';
  if (options.namespace === undefined) raw.namespace = undefined;

  return {
    health: () => client.health(),
    approleLogin: (mount, roleId, secretId) => client.approleLogin({ mount_point: mount, role_id: roleId, secret_id: secretId }),
    read: (path) => client.read(path),
    write: (path, body) => client.write(path, body),
    forgetToken() {
      raw.token = '';
    },
  };
}
