/**
 * A real redis-server (Debian's `redis-server`) for the Redis tests: started
 * on 127.0.0.1 on a free port with its own temporary folder, no persistence,
 * and stopped (by its own pid) after the tests. Optionally with a password and
 * a TLS port whose certificate comes from the caller's test CA.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBinary(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Null when redis-server can be started; otherwise why not, for the skipping test to print. */
export function redisUnavailable(): string | null {
  return findBinary() ? null : 'redis-server not on PATH (install Debian package redis-server)';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  host: string;
  /** Plain TCP port (0 when started TLS-only). */
  port: number;
  /** TLS port, when started with `tls`. */
  tlsPort?: number;
  url(db?: number): string;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  password?: string;
  /** PEM files of the server's certificate and key, and of the CA that client certificates must chain to. */
  tls?: { certFile: string; keyFile: string; caFile: string; requireClientCert?: boolean };
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findBinary();
  if (!binary) throw new Error('redis-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'custos-redis-'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const conf = [
    'bind 127.0.0.1',
    `port ${port}`,
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'daemonize no',
    'protected-mode yes',
    'loglevel warning',
    'databases 16',
    ...(options.password ? [`requirepass ${options.password}`] : []),
    ...(options.tls && tlsPort
      ? [`tls-port ${tlsPort}`, `tls-cert-file ${options.tls.certFile}`, `tls-key-file ${options.tls.keyFile}`, `tls-ca-cert-file ${options.tls.caFile}`, `tls-auth-clients ${options.tls.requireClientCert ? 'yes' : 'no'}`]
      : []),
  ];
  writeFileSync(join(dir, 'redis.conf'), `${conf.join('\n')}\n`, { mode: 0o600 });
  let log = '';
  const child = spawn(binary, [join(dir, 'redis.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitForPort(port, child, () => log);
    if (tlsPort) await waitForPort(tlsPort, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    ...(tlsPort ? { tlsPort } : {}),
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
