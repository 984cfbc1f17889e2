/**
 * Secret-engine mounts for the Vault STAND-IN (see vaultStandIn.ts; it is not
 * Vault): the mount table that `GET /v1/sys/internal/ui/mounts` lists, as
 * Vault's UI endpoint shapes it (data.secret["<mount>/"] = {type, options,
 * ...}), and the KV version 1 engine (`GET|POST /v1/<mount>/<path>`, the
 * fields at `data`, a write replaces the whole secret and answers 204).
 */

export interface StandInMount {
  type: string;
  /** Vault's mount options: {version: "2"} for KV v2, {version: "1"} or null for KV v1. */
  options: Record<string, string> | null;
}

export function defaultMounts(): Map<string, StandInMount> {
  return new Map([
    ['cubbyhole/', { type: 'cubbyhole', options: null }],
    ['secret/', { type: 'kv', options: { version: '2' } }],
    ['transit/', { type: 'transit', options: null }],
  ]);
}

/** The body of sys/internal/ui/mounts: every mount, as the UI endpoint lists them for a token. */
export function mountsListing(mounts: Map<string, StandInMount>): Record<string, unknown> {
  const secret: Record<string, unknown> = {};
  for (const [name, mount] of mounts) {
    secret[name] = { accessor: `${mount.type}_standin`, config: { default_lease_ttl: 0, max_lease_ttl: 0 }, description: '', external_entropy_access: false, local: false, options: mount.options, seal_wrap: false, type: mount.type, uuid: '00000000-0000-0000-0000-000000000000' };
  }
  return { auth: { 'token/': { type: 'token', options: null } }, secret };
}

/** Which mount a request path falls under, and the KV version if it is a KV engine. */
export function mountOf(mounts: Map<string, StandInMount>, path: string): { mount: string; rest: string; kv: 1 | 2 | null } | null {
  const slash = path.indexOf('/');
  if (slash < 0) return null;
  const name = path.slice(0, slash + 1);
  const mount = mounts.get(name);
  if (!mount) return null;
  const kv = mount.type !== 'kv' ? null : mount.options?.['version'] === '2' ? 2 : 1;
  return { mount: name.slice(0, -1), rest: path.slice(slash + 1), kv };
}

/** KV v1: [status, body or null for 204]. */
export function runKv1(store: Map<string, Record<string, unknown>>, method: string, key: string, body: unknown): [number, unknown] {
  if (method === 'GET') {
    const data = store.get(key);
    return data ? [200, data] : [404, null];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [400, 'no data provided'];
  store.set(key, { ...(body as Record<string, unknown>) });
  return [204, null];
}
