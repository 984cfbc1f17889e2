import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisOptionsFrom, type RedisCliOptions } from '../../src-main/cli/commands/acra/redisOptions.js';
import { caughtCustosError } from '../helpers/errorCode.js';
import { tempDir } from '../helpers/tmp.js';

const base: RedisCliOptions = { redis: 'redis://10.0.0.5:6379/1', keysDir: '.acrakeys' };

describe("acra push/pull: Redis options as Acra's flags", () => {
  it('maps the URL to host, port and keys database, and TLS files to the TLS options', () => {
    expect(redisOptionsFrom(base)).toEqual({ host: '10.0.0.5', port: 6379, db: 1 });
    expect(redisOptionsFrom({ ...base, redis: 'redis://acra@redis.internal' })).toEqual({ host: 'redis.internal', port: 6379, db: 0, username: 'acra' });
    expect(redisOptionsFrom({ ...base, redis: 'redis://[::1]:7000/3' })).toMatchObject({ host: '::1', port: 7000, db: 3 });
    const dir = tempDir();
    const file = (name: string, body: string) => {
      writeFileSync(join(dir, name), body, { mode: 0o600 });
      return join(dir, name);
    };
    const tls = redisOptionsFrom({
      ...base,
      redis: 'rediss://redis.internal:6380/2',
      redisPasswordFile: file('pass', 'secret-pw\n'),
      redisTlsCa: file('ca.pem', 'CA PEM'),
      redisTlsCert: file('cert.pem', 'CERT PEM'),
      redisTlsKey: file('key.pem', 'KEY PEM'),
      redisTlsSni: 'redis.acra.example',
      redisTimeout: '2.5',
    });
    expect(tls).toEqual({ host: 'redis.internal', port: 6380, db: 2, password: 'secret-pw', tls: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', servername: 'redis.acra.example' }, timeoutMs: 2500 });
    expect(redisOptionsFrom({ ...base, redisTls: true }).tls).toEqual({});
  });

  it('refuses a password in the URL, other schemes, a database that is not a number, TLS files without TLS, half a client certificate', () => {
    const cases: Array<Partial<RedisCliOptions>> = [
      { redis: 'redis://:pw@10.0.0.5:6379/1' },
      { redis: 'http://10.0.0.5:6379' },
      { redis: '10.0.0.5:6379' },
      { redis: 'redis://10.0.0.5:6379/keys' },
      { redis: 'redis://10.0.0.5:6379/1?db=2' },
      { redisTlsCa: '/nonexistent/ca.pem' },
      { redis: 'rediss://h/1', redisTlsCert: '/x/cert.pem' },
      { redisTimeout: '0' },
      { redisPasswordFile: '/nonexistent/redis.pass' },
    ];
    for (const extra of cases) expect(caughtCustosError(() => redisOptionsFrom({ ...base, ...extra })).code, JSON.stringify(extra)).toBe('INVALID_ARGUMENT');
    expect(caughtCustosError(() => redisOptionsFrom({ ...base, redis: 'redis://:hunter2@h/1' })).message).not.toContain('hunter2');
  });
});
