/**
 * The one mapping from typed Redis settings to connectRedis's options, used
 * by `custos acra push|pull` and by the app's worker: what is absent or empty
 * is left out (so the client's defaults apply), TLS files go through the
 * caller's reader under the names its errors use, and a reader's refusal
 * stops the mapping.
 */
import { describe, expect, it } from 'vitest';
import { CustosError } from '../../../shared/errors.js';
import { redisConnectionOptions, type PemReader } from '../../../src-main/core/acra/redis/connectionOptions.js';
import { caughtCustosError } from '../../helpers/errorCode.js';

function recordingReader(): { read: PemReader; asked: string[] } {
  const asked: string[] = [];
  const read: PemReader = (path, what) => {
    asked.push(`${what}: ${path}`);
    return `PEM of ${path}`;
  };
  return { asked, read };
}

describe('redisConnectionOptions', () => {
  it('leaves out what is absent or empty: plain TCP, no AUTH, the default deadline', () => {
    const { read, asked } = recordingReader();
    expect(redisConnectionOptions({ host: '10.0.0.5', port: 6379, db: 1, username: undefined, password: '', tls: null, timeoutMs: undefined }, read)).toEqual({ host: '10.0.0.5', port: 6379, db: 1 });
    expect(asked).toEqual([]);
  });

  it('maps every setting, reading the CA, client certificate and key through the reader in that order', () => {
    const { read, asked } = recordingReader();
    const options = redisConnectionOptions(
      { host: 'redis.internal', port: 6380, db: 2, username: 'acra', password: 'pw', tls: { caFile: '/c/ca.pem', certFile: '/c/cert.pem', keyFile: '/c/key.pem', sni: 'redis.acra.example' }, timeoutMs: 2500 },
      read,
    );
    expect(options).toEqual({
      host: 'redis.internal',
      port: 6380,
      db: 2,
      username: 'acra',
      password: 'pw',
      tls: { ca: 'PEM of /c/ca.pem', cert: 'PEM of /c/cert.pem', key: 'PEM of /c/key.pem', servername: 'redis.acra.example' },
      timeoutMs: 2500,
    });
    expect(asked).toEqual(['Redis CA file: /c/ca.pem', 'Redis client certificate: /c/cert.pem', 'Redis client key: /c/key.pem']);
  });

  it('asks for TLS with no files as an empty TLS block (system CAs, the host as the name)', () => {
    const { read, asked } = recordingReader();
    expect(redisConnectionOptions({ host: 'h', port: 6379, db: 0, tls: {} }, read)).toEqual({ host: 'h', port: 6379, db: 0, tls: {} });
    expect(asked).toEqual([]);
  });

  it("stops at the reader's refusal", () => {
    const refuse: PemReader = (path, what) => {
      throw new CustosError('INVALID_ARGUMENT', `the chosen ${what} ${path} holds no PEM block`);
    };
    const error = caughtCustosError(() => redisConnectionOptions({ host: 'h', port: 6379, db: 0, tls: { caFile: '/x/ca.pem' } }, refuse));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('the chosen Redis CA file /x/ca.pem holds no PEM block');
  });
});
