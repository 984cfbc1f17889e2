/**
 * A Vault-compatible STAND-IN for tests: no Vault server binary can be
 * installed here, so this implements, over real HTTP(S) on 127.0.0.1, the few
 * endpoints Custos calls, with the request and response shapes and error
 * bodies of HashiCorp's HTTP API documentation (`{"errors": [...]}`):
 *
 *   GET  /v1/sys/health                     200 active, 503 sealed, 501 uninitialised
 *   POST /v1/auth/approle/login             {role_id, secret_id} → auth.client_token; 400 invalid
 *   GET  /v1/secret/data/:path              KV v2 {data: {data, metadata}}; 404 {"errors":[]}
 *   POST /v1/secret/data/:path              {data, options.cas}; 400 check-and-set mismatch
 *   POST /v1/transit/encrypt|decrypt/:name  AES-256-GCM, "vault:v1:" + base64(nonce‖ct‖tag), associated_data
 *   GET  /v1/sys/internal/ui/mounts         the mount table (data.secret["secret/"] = {type, options}); any valid token
 *   GET|POST /v1/<kv1 mount>/:path          KV v1 (mounts added with addMount): fields at data; a write answers 204
 *   GET|POST /v1/<kv2 mount>/data/:path     KV v2 on any KV v2 mount, as secret/ above
 *
 * Any other path needs a token too and answers 404. Every request without a
 * valid X-Vault-Token (or outside the token's prefixes) gets 403
 * {"errors":["permission denied"]}; while sealed, everything but health gets
 * 503 {"errors":["Vault is sealed"]}. Switches flip sealed, slow and malformed answers.
 * It is not Vault: no policies language, leases, key rotation or persistence.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { runTransit } from './vaultStandInTransit.js';
import { defaultMounts, mountOf, mountsListing, runKv1, type StandInMount } from './vaultStandInMounts.js';

interface KvEntry {
  versions: Array<{ data: Record<string, unknown>; created_time: string }>;
}

export interface StandInSwitches {
  sealed: boolean;
  initialized: boolean;
  /** Delay before every answer, to trip the client's timeout. */
  delayMs: number;
  /** While set, every answer whose path matches is replaced by this raw status and body. */
  malformed: { path: RegExp; status: number; body: string } | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  token: string | undefined;
  body: unknown;
}

export interface VaultStandIn {
  readonly url: string;
  readonly switches: StandInSwitches;
  readonly requests: RecordedRequest[];
  /** A token allowed on paths starting with one of `prefixes` ("" = everything). */
  addToken(token: string, prefixes?: string[]): void;
  addAppRole(roleId: string, secretId: string, prefixes?: string[]): void;
  putKv(path: string, data: Record<string, unknown>): void;
  /** Mounts a secrets engine ("kv1/", {type: 'kv', options: null}); replaces one of the same name. */
  addMount(name: string, mount: StandInMount): void;
  /** KV v1 secrets by "<mount>/<path>"; KV v2 ones on other mounts than secret/ are in kv under "<mount>/<path>". */
  kv1: Map<string, Record<string, unknown>>;
  kvData(mount: string, path: string): Record<string, unknown> | undefined;
  kvVersions(path: string): number;
  transitKeys: Map<string, Buffer>;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const errors = (res: ServerResponse, status: number, messages: string[]) => json(res, status, { errors: messages });
const envelope = (data: unknown) => ({ request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null });

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

export async function startVaultStandIn(tls?: { cert: string; key: string }): Promise<VaultStandIn> {
  const switches: StandInSwitches = { sealed: false, initialized: true, delayMs: 0, malformed: null };
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, string[]>();
  const appRoles = new Map<string, { secretId: string; prefixes: string[] }>();
  const kv = new Map<string, KvEntry>();
  const transitKeys = new Map<string, Buffer>();
  const mounts = defaultMounts();
  const kv1 = new Map<string, Record<string, unknown>>();
  // secret/ keeps its historical keys (the path alone); other KV v2 mounts are keyed "<mount>/<path>".
  const kvKey = (mount: string, path: string) => (mount === 'secret' ? path : `${mount}/${path}`);

  function health(res: ServerResponse) {
    const base = { initialized: switches.initialized, sealed: switches.sealed, standby: switches.sealed, performance_standby: false, replication_performance_mode: 'disabled', replication_dr_mode: 'disabled', server_time_utc: Math.floor(Date.now() / 1000), version: '1.17.0+standin' };
    if (!switches.initialized) return json(res, 501, base);
    if (switches.sealed) return json(res, 503, base);
    json(res, 200, { ...base, cluster_name: 'vault-cluster-standin', cluster_id: '00000000-0000-0000-0000-000000000000' });
  }

  function kvRoute(res: ServerResponse, method: string, path: string, body: unknown) {
    const entry = kv.get(path);
    const meta = (version: number, created: string) => ({ created_time: created, custom_metadata: null, deletion_time: '', destroyed: false, version });
    if (method === 'GET') {
      const latest = entry?.versions.at(-1);
      if (!entry || !latest) return errors(res, 404, []);
      return json(res, 200, envelope({ data: latest.data, metadata: meta(entry.versions.length, latest.created_time) }));
    }
    const request = body as { data?: unknown; options?: { cas?: unknown } } | null;
    if (!request || typeof request.data !== 'object' || request.data === null) return errors(res, 400, ['no data provided']);
    const current = entry?.versions.length ?? 0;
    if (request.options?.cas !== undefined && request.options.cas !== current) return errors(res, 400, ['check-and-set parameter did not match the current version']);
    const created = new Date().toISOString();
    const next = entry ?? { versions: [] };
    next.versions.push({ data: request.data as Record<string, unknown>, created_time: created });
    kv.set(path, next);
    json(res, 200, envelope(meta(next.versions.length, created)));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    const path = url.pathname.replace(/^\/v1\//, '');
    const method = req.method ?? 'GET';
    const token = req.headers['x-vault-token'] as string | undefined;
    const body = method === 'GET' ? undefined : await readBody(req);
    requests.push({ method, path, token, body });
    if (switches.delayMs > 0) await new Promise((r) => setTimeout(r, switches.delayMs));
    if (res.destroyed) return;
    const bad = switches.malformed;
    if (bad && bad.path.test(path)) {
      res.writeHead(bad.status, { 'content-type': 'application/json' });
      return res.end(bad.body);
    }
    if (path === 'sys/health' && method === 'GET') return health(res);
    if (switches.sealed || !switches.initialized) return errors(res, 503, ['Vault is sealed']);
    if (path === 'auth/approle/login' && method === 'POST') {
      const { role_id, secret_id } = (body ?? {}) as { role_id?: unknown; secret_id?: unknown };
      const role = typeof role_id === 'string' ? appRoles.get(role_id) : undefined;
      if (!role || role.secretId !== secret_id) return errors(res, 400, ['invalid role or secret ID']);
      const clientToken = `hvs.${randomBytes(18).toString('base64url')}`;
      tokens.set(clientToken, role.prefixes);
      return json(res, 200, { ...envelope(null), auth: { client_token: clientToken, accessor: randomUUID(), policies: ['default'], token_policies: ['default'], metadata: { role_name: 'custos' }, lease_duration: 1200, renewable: true, entity_id: randomUUID(), token_type: 'service', orphan: true } });
    }
    const prefixes = token === undefined ? undefined : tokens.get(token);
    // Vault answers the UI mounts listing to any valid token (it lists what the token may see; here: all).
    if (path === 'sys/internal/ui/mounts' && method === 'GET' && prefixes) return json(res, 200, envelope(mountsListing(mounts)));
    if (!prefixes || !prefixes.some((p) => path.startsWith(p))) return errors(res, 403, ['permission denied']);
    if (body === null) return errors(res, 400, ['failed to parse JSON input']);
    const mounted = mountOf(mounts, path);
    const kvMatch = mounted?.kv === 2 ? /^data\/(.+)$/.exec(mounted.rest) : null;
    if (mounted && kvMatch && (method === 'GET' || method === 'POST' || method === 'PUT')) return kvRoute(res, method, kvKey(mounted.mount, kvMatch[1] ?? ''), body);
    if (mounted?.kv === 1 && (method === 'GET' || method === 'POST' || method === 'PUT')) {
      const [status, answer] = runKv1(kv1, method, path, body);
      if (status === 204) return void res.writeHead(204).end();
      return status === 200 ? json(res, 200, envelope(answer)) : errors(res, status, typeof answer === 'string' ? [answer] : []);
    }
    const transitMatch = /^transit\/(encrypt|decrypt)\/([^/]+)$/.exec(path);
    if (transitMatch && (method === 'POST' || method === 'PUT')) {
      const [status, answer] = runTransit(transitKeys, transitMatch[1] as 'encrypt' | 'decrypt', transitMatch[2] ?? '', body);
      return status === 200 ? json(res, 200, envelope(answer)) : errors(res, status, [answer as string]);
    }
    errors(res, 404, [`no handler for route "${path}". route entry not found.`]);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => errors(res, 500, ['internal error']));
  };
  const server: Server = tls ? createHttps({ cert: tls.cert, key: tls.key }, listener) : createHttp(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    switches,
    requests,
    transitKeys,
    addToken: (token, prefixes = ['']) => void tokens.set(token, prefixes),
    addAppRole: (roleId, secretId, prefixes = ['']) => void appRoles.set(roleId, { secretId, prefixes }),
    putKv: (path, data) => void kv.set(path, { versions: [...(kv.get(path)?.versions ?? []), { data, created_time: new Date().toISOString() }] }),
    kvVersions: (path) => kv.get(path)?.versions.length ?? 0,
    addMount: (name, mount) => void mounts.set(name, mount),
    kv1,
    kvData: (mount, path) => kv.get(kvKey(mount, path))?.versions.at(-1)?.data,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

