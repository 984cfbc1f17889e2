/**
 * A minimal Redis client over node:net / node:tls: connect, AUTH, SELECT,
 * then commands answered in order. Custos needs a handful of commands (PING,
 * SCAN, MGET, EXISTS, MULTI/SET/DEL/EXEC) once per run, so a dependency-free
 * client of ~150 lines is easier to audit than a general-purpose library with
 * its reconnect logic, and it never logs what it sends (key material, the
 * password). Errors are CustosError and never carry the password or values.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CustosError } from '../../../../shared/errors.js';
import { encodeCommand, RespError, RespParser, RespProtocolError, type RespValue } from './resp.js';

export interface RedisTls {
  /** PEM of the CA for Redis's certificate (replaces the system roots; Acra's --redis_tls_client_ca). */
  ca?: string | undefined;
  /** Client certificate and key, PEM (Acra's --redis_tls_client_cert / --redis_tls_client_key). */
  cert?: string | undefined;
  key?: string | undefined;
  /** Name expected in the server's certificate (Acra's --redis_tls_client_sni); default the host. */
  servername?: string | undefined;
}

export interface RedisOptions {
  host: string;
  port: number;
  /** Database number (Acra's --redis_db_keys). */
  db: number;
  username?: string | undefined;
  password?: string | undefined;
  tls?: RedisTls | undefined;
  /** Per command and for the connection; default 10 s. */
  timeoutMs?: number | undefined;
}

export interface RedisClient {
  readonly address: string;
  command(...args: Array<string | Uint8Array>): Promise<RespValue>;
  /** Sends the commands in one write and waits for all their replies, in order, under one deadline. */
  pipeline(commands: ReadonlyArray<ReadonlyArray<string | Uint8Array>>): Promise<RespValue[]>;
  close(): void;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function socketError(error: unknown, address: string): CustosError {
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === 'string' ? code : '';
  if (UNREACHABLE.has(name)) return new CustosError('REDIS_UNREACHABLE', `Redis at ${address} could not be reached (${name})`);
  if (/^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/.test(name)) {
    return new CustosError('REDIS_UNREACHABLE', `TLS to Redis at ${address} failed (${name}); is its CA given with --redis-tls-ca?`);
  }
  return new CustosError('REDIS_UNREACHABLE', `the connection to Redis at ${address} failed${name ? ` (${name})` : ''}`);
}

/** Redis's error replies are short ASCII; keep the first line, printable only. */
function serverError(reply: RespError, address: string, what: string): CustosError {
  const text = reply.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  if (/^(NOAUTH|WRONGPASS)/.test(text) || /invalid password|without any password configured/i.test(text)) {
    return new CustosError('REDIS_AUTH_FAILED', `Redis at ${address} refused ${what}: ${text}`);
  }
  return new CustosError('REDIS_ERROR', `Redis at ${address} refused ${what}: ${text}`);
}

export async function connectRedis(options: RedisOptions): Promise<RedisClient> {
  const address = `${options.tls ? 'rediss' : 'redis'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}/${options.db}`;
  const ms = options.timeoutMs ?? 10_000;
  const parser = new RespParser();
  const waiting: Array<{ resolve: (v: RespValue) => void; reject: (e: CustosError) => void; timer: NodeJS.Timeout }> = [];
  let failure: CustosError | null = null;

  const socket: Socket = await new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => {
      s.destroy();
      reject(new CustosError('REDIS_UNREACHABLE', `Redis at ${address} did not answer within ${ms} ms`));
    }, ms);
    const onError = (error: unknown) => {
      clearTimeout(timer);
      reject(socketError(error, address));
    };
    const ready = () => {
      clearTimeout(timer);
      s.off('error', onError);
      resolve(s);
    };
    const s = options.tls
      ? tlsConnect({ host: options.host, port: options.port, ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, servername: options.tls.servername ?? (isIP(options.host) ? undefined : options.host) }, ready)
      : netConnect({ host: options.host, port: options.port }, ready);
    s.once('error', onError);
  });

  const failAll = (error: CustosError) => {
    failure ??= error;
    for (const w of waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(failure);
    }
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      parser.push(chunk);
      for (let reply = parser.next(); reply; reply = parser.next()) {
        const w = waiting.shift();
        if (!w) return failAll(new CustosError('REDIS_ERROR', `Redis at ${address} sent a reply nobody asked for`));
        clearTimeout(w.timer);
        w.resolve(reply.value);
      }
    } catch (error) {
      failAll(new CustosError('REDIS_ERROR', `Redis at ${address} answered with something that is not RESP (${error instanceof RespProtocolError ? error.message : 'parse error'})`));
    }
  });
  socket.on('error', (error) => failAll(socketError(error, address)));
  socket.on('close', () => failAll(new CustosError('REDIS_UNREACHABLE', `Redis at ${address} closed the connection`)));

  const send = (args: ReadonlyArray<string | Uint8Array>): Promise<RespValue> => pipeline([args]).then((replies) => replies[0] ?? null);
  const pipeline = (commands: ReadonlyArray<ReadonlyArray<string | Uint8Array>>): Promise<RespValue[]> => {
    if (failure) return Promise.reject(failure);
    if (commands.length === 0) return Promise.resolve([]);
    const timer = setTimeout(() => failAll(new CustosError('REDIS_UNREACHABLE', `Redis at ${address} did not answer within ${ms} ms`)), ms);
    const replies = commands.map(
      () =>
        new Promise<RespValue>((resolve, reject) => {
          waiting.push({ resolve, reject, timer });
        }),
    );
    socket.write(Buffer.concat(commands.map((args) => encodeCommand(args))));
    return Promise.all(replies).finally(() => clearTimeout(timer));
  };

  const client: RedisClient = {
    address,
    command: (...args) => send(args),
    pipeline,
    close: () => {
      failure ??= new CustosError('REDIS_ERROR', `the connection to Redis at ${address} is closed`);
      socket.destroy();
    },
  };
  try {
    if (options.password !== undefined) {
      const auth = await send(options.username ? ['AUTH', options.username, options.password] : ['AUTH', options.password]);
      if (auth instanceof RespError) throw serverError(auth, address, 'the password');
    }
    const select = await send(['SELECT', String(options.db)]);
    if (select instanceof RespError) throw serverError(select, address, `database ${options.db}`);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/** Runs a command and turns an error reply into a CustosError naming `what`. */
export async function expectReply(client: RedisClient, what: string, ...args: Array<string | Uint8Array>): Promise<Exclude<RespValue, RespError>> {
  const reply = await client.command(...args);
  if (reply instanceof RespError) throw serverError(reply, client.address, what);
  return reply;
}
