import { describe, expect, it } from 'vitest';
import { CONTRACT, INVOKE_CHANNELS, type InvokeChannel } from '../../shared/ipc.js';
import { FAST_KDF, startHarness, TEST_ORIGIN } from '../ipc/harness.js';

const SECRET = 'hunter2-hunter2-hunter2';

/** Payloads no channel accepts: wrong types, extra fields, prototype tricks. */
const GENERIC_BAD: unknown[] = [
  undefined,
  null,
  42,
  'keys',
  [],
  [{}],
  { unexpected: true },
  JSON.parse('{"__proto__": {"polluted": true}, "extra": 1}'),
];

/** Per channel: payloads that look close to valid but break one rule each. */
const NEAR_MISSES: Record<InvokeChannel, unknown[]> = {
  'app:status': [{ id: 'x' }],
  'network:status': [{ refresh: true }],
  'vault:list': [{ dir: '/etc' }],
  'vault:create': [
    { name: '../escape', passphrase: SECRET },
    { name: 'ok', passphrase: 'short' },
    { name: 'ok', passphrase: SECRET, kdf: { memoryMiB: 1, passes: 1 } },
    { name: 'ok', passphrase: SECRET, kdf: { memoryMiB: 8, passes: 0 } },
    { name: 'ok', passphrase: SECRET, path: '/tmp/x.db' },
    { name: 'a'.repeat(65), passphrase: SECRET },
  ],
  'vault:openFile': [{ path: '/etc/passwd' }],
  'vault:unlock': [{ id: '/etc/passwd', passphrase: SECRET }, { id: '0123456789abcdef' }, { id: '0123456789abcdef', passphrase: '' }, { id: '0123456789abcdef', passphrase: SECRET, methodId: 0 }],
  'vault:unlockMethods': [{}, { id: '../escape' }, { id: '0123456789abcdef', path: '/tmp/x.db' }],
  'vault:unlockWithMethod': [
    { id: '0123456789abcdef', methodId: 0, credentials: { kind: 'pkcs11', pin: SECRET } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'master-key', masterKey: SECRET } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'pkcs11', pin: '' } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'pkcs11', pin: SECRET, modulePath: '/tmp/evil.so' } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'vault-kv', vault: { auth: { method: 'token', token: SECRET }, privateCa: false, allowPlainHttp: false, caFile: '/etc/ca.pem' } } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'vault-transit', vault: { auth: { method: 'root' }, privateCa: false, allowPlainHttp: false } } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'paper', shares: [] } },
    { id: '0123456789abcdef', methodId: 1, credentials: { kind: 'paper', shares: Array.from({ length: 17 }, () => SECRET) } },
  ],
  'vault:unlockWithKeyFile': [{ id: '0123456789abcdef', keyFile: '/tmp/key' }, { id: 'ABCDEF0123456789' }],
  'vault:lock': [{ force: true }],
  'keys:list': [{ clientId: 'abc' }, { purpose: 'everything' }, { state: 'gone' }, { allVersions: 'yes' }],
  'keys:get': [{ name: '' }, { name: 'a/b' }, { name: 7 }],
  'keys:generate': [
    { scope: 'client' },
    { scope: 'client', clientId: 'x y z w v' },
    { scope: 'zone', clientId: 'billing-svc' },
    { scope: 'global', purposes: ['teleport'] },
    { scope: 'global', purposes: [] },
    { scope: 'root' },
  ],
  'keys:rotate': [{ name: '<img src=x>' }],
  'keys:disable': [{}],
  'keys:enable': [{ name: null }],
  'keys:destroy': [{ name: 'billing-svc_hmac' }, { name: 'billing-svc_hmac', confirmation: 'billing-svc_hmac', version: 0 }],
  'keys:publicPem': [{ name: 'billing-svc', version: -1 }, { name: 'billing-svc', private: true }],
  'keys:copyPublicPem': [{ name: 'billing-svc', text: 'anything' }],
  'masterKey:rotationPlan': [{ all: true }],
  'masterKey:rotate': [
    { confirmation: 'rotate' },
    { confirmation: 'rotate', methods: [{ action: 'drop', methodId: '1' }] },
    { confirmation: 'rotate', methods: [{ action: 'rewrap', methodId: 1 }] },
    { confirmation: 'rotate', methods: [{ action: 'rewrap', methodId: 1, credentials: { kind: 'paper', shares: [SECRET], newKey: SECRET } }] },
    { confirmation: 'rotate', methods: [], newMasterKey: SECRET },
    { confirmation: 'rotate', methods: [{ action: 'rewrap', methodId: 1, credentials: { kind: 'paper', shares: [SECRET] } }] },
    { confirmation: 'rotate', methods: [{ action: 'rewrap', methodId: 1, credentials: { kind: 'vault-kv', vault: { auth: { method: 'token', token: SECRET }, privateCa: false, allowPlainHttp: false } } }] },
    { confirmation: 'rotate', methods: [{ action: 'drop', methodId: 1 }, { action: 'rewrap', methodId: 1, credentials: { kind: 'passphrase', passphrase: SECRET } }] },
    { confirmation: 'rotate', methods: [{ action: 'drop', methodId: 2 }, { action: 'drop', methodId: 2 }] },
  ],
  'settings:get': [{ idleLockMinutes: 3 }],
  'settings:set': [{ idleLockMinutes: 0 }, { idleLockMinutes: 121 }, { idleLockMinutes: '5' }, {}],
  'ceremony:state': [{ sessionId: 'x' }],
  'ceremony:begin': [{ path: '/tmp/x.db' }],
  'ceremony:airGap': [{ override: { reason: 'short' } }, { override: {} }, { by: '' }],
  'ceremony:roles': [{ operator: 'Ana', witnesses: [], custodians: [] }, { operator: '', witnesses: [], custodians: ['Ben'] }, { operator: 'Ana\u0007', witnesses: [], custodians: ['Ben'] }],
  'ceremony:keys': [{ clientIds: ['x y'], zoneIds: [] }, { clientIds: [], zoneIds: [], global: true }],
  'ceremony:quorum': [
    { groupThreshold: 1, groups: [{ threshold: 3, count: 17 }], custodians: ['Ana'] },
    { groupThreshold: 1, groups: [], custodians: ['Ana'] },
    { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], custodians: ['Ana'], mnemonic: SECRET },
  ],
  'ceremony:preview': [{ paperSize: 'a3' }, {}],
  'ceremony:print': [{ destination: 'pdf-folder', paperSize: 'a4', folder: '/tmp' }, { destination: 'email', paperSize: 'a4' }],
  'ceremony:camera': [{ open: 'yes' }, { open: true, audio: true }],
  'ceremony:verifySheet': [{ index: 0, words: SECRET, how: 'typed' }, { index: 1, words: '', how: 'typed' }, { index: 1, words: SECRET, how: 'telepathy' }],
  'ceremony:backup': [{ bundleFolder: '/tmp' }],
  'ceremony:transcript': [{ file: '/tmp/t.pdf' }],
  'ceremony:finish': [{ force: true }],
  'ceremony:abandon': [{}, { confirmation: 7 }],
  'audit:head': [{ seq: 1 }],
  'audit:page': [{ filter: {}, offset: 0, limit: 501 }, { filter: { from: '1 May' }, offset: 0, limit: 10 }, { filter: { sql: 'x' }, offset: 0, limit: 10 }, { filter: {}, offset: -1, limit: 10 }],
  'audit:verify': [{ head: '1:abcd' }],
  'audit:export': [{ format: 'xml' }, { format: 'json', file: '/tmp/t.json' }],
  'restore:state': [{ path: '/tmp/x' }],
  'restore:wordlist': [{ language: 'en' }],
  'restore:addShare': [{ words: '', how: 'typed' }, { words: 'academic acid', how: 'telepathy' }, { words: 'a'.repeat(4001), how: 'typed' }, { words: 'academic', how: 'typed', source: '/etc' }],
  'restore:scanShare': [{ file: '/tmp/scan.png' }],
  'restore:removeShare': [{ index: -1 }, { index: 64 }, { index: 'first' }],
  'restore:reset': [{ all: true }],
  'restore:compare': [{ vaultFingerprint: 'x', ceremony: '1', keyCheck: 'x' }, { vaultFingerprint: 'x', ceremony: '1', keyCheck: 'x', auditHead: '', masterKey: SECRET }],
  'restore:chooseBundle': [{ bundle: '/tmp/x.bundle' }],
  'restore:create': [{ name: '../escape', passphrase: SECRET }, { name: 'ok', passphrase: 'short' }, { name: 'ok', passphrase: SECRET, path: '/tmp/x.db' }, { name: 'ok', passphrase: SECRET, kdf: { memoryMiB: 1, passes: 1 } }],
  'restore:import': [{ onConflict: 'replace' }],
  'restore:cancel': [{ id: 1 }],
  'restore:drill': [{ folder: '/tmp' }],
  'restore:printDrill': [{ file: '/tmp/r.pdf' }],
  'restore:camera': [{}, { open: 'yes' }],
  'backups:export': [
    { selection: { scope: 'all' } },
    { selection: { scope: 'filter' }, privateKeys: false },
    { selection: { scope: 'all' }, privateKeys: true, bundleDir: '/tmp/b' },
    { selection: { scope: 'filter', clientId: 'x y' }, privateKeys: false },
  ],
  'backups:cancel': [{ op: 'import' }],
  'backups:openBundle': [{ dropped: 7 }, { path: '/etc/passwd' }],
  'backups:openAccessKeys': [{ file: '/tmp/k.json' }],
  'backups:import': [{}, { onConflict: 'merge' }, { onConflict: 'skip', bundle: '/tmp/x.bundle' }],
  'acra:export': [
    { selection: { clientIds: [], zoneIds: [], global: false }, masterKey: 'new', replace: false },
    { selection: { clientIds: ['x y'], zoneIds: [], global: false }, masterKey: 'new', replace: false },
    { selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'env', replace: false },
    { selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'new', replace: false, out: '/tmp/acrakeys' },
    { selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'file', replace: false, acraMasterKey: 'c2VjcmV0' },
  ],
  'acra:import': [{ from: '/tmp/acrakeys' }, { keyFile: '/tmp/acra.key' }],
  'acra:redisPush': [
    { redis: { host: '127.0.0.1', port: 6379, db: 0, keysDir: '.acrakeys', tls: null }, selection: { clientIds: [], zoneIds: [], global: false }, masterKey: 'new', replace: false },
    { redis: { host: '127.0.0.1', port: 6379, db: 0, keysDir: '.acrakeys', tls: null, password: '' }, selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'new', replace: false },
    { redis: { host: '127.0.0.1', port: 6379, db: 0, keysDir: '.acrakeys', tls: { ca: '/etc/ssl/ca.pem', clientCert: false } }, selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'file', replace: false },
    { redis: { host: 'redis://127.0.0.1', port: 6379, db: 0, keysDir: '.acrakeys', tls: null, password: SECRET }, selection: { clientIds: [], zoneIds: [], global: true }, masterKey: 'file', replace: false },
  ],
  'acra:redisPull': [
    { redis: { host: '127.0.0.1', port: 0, db: 0, keysDir: '.acrakeys', tls: null, password: SECRET } },
    { redis: { host: '127.0.0.1', port: 6379, db: 0, keysDir: '.acrakeys', tls: null }, keyFile: '/tmp/acra.key' },
  ],
  'acra:bundleExport': [{ selection: { clientIds: [], zoneIds: [], global: true }, replace: false, bundle: '/tmp/keys.bundle' }, { selection: { clientIds: [], zoneIds: [], global: false }, replace: false }],
  'acra:bundleImport': [{ bundle: '/tmp/keys.bundle' }, { secret: '/tmp/keys.secret' }],
  'acra:vaultPublish': [
    { vaultAddr: 'https://vault:8200', path: 'secret/acra', auth: { method: 'token', token: '' }, privateCa: false, replace: false },
    { vaultAddr: 'https://vault:8200', path: 'secret/acra', auth: { method: 'token', token: SECRET }, privateCa: '/tmp/ca.pem', replace: false },
    { vaultAddr: 'https://vault:8200', path: 'secret/acra', auth: { method: 'userpass', token: SECRET }, privateCa: false, replace: false },
    { vaultAddr: 'https://vault:8200', path: 'secret/acra', auth: { method: 'token', token: SECRET }, privateCa: false, replace: false, acraMasterKey: 'c2VjcmV0' },
  ],
};

describe('malformed payloads', () => {
  it('every channel refuses each with INVALID_ARGUMENT, and the message never echoes a value', async () => {
    const h = startHarness();
    await h.ok('vault:create', { name: 'refusals', passphrase: SECRET, kdf: FAST_KDF });
    await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
    for (const channel of INVOKE_CHANNELS) {
      for (const payload of [...GENERIC_BAD, ...NEAR_MISSES[channel]]) {
        // Empty-request channels accept `{}` and, through preload, `undefined` becomes `{}`; here undefined must fail.
        const result = await h.raw(channel, payload);
        expect(result, `${channel} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
        if (!result.ok) expect(result.message).not.toContain(SECRET);
      }
    }
    // Nothing the refusals carried was applied.
    expect((await h.ok('keys:list', {})).keys).toHaveLength(6);
    expect(await h.ok('settings:get', {})).toEqual({ idleLockMinutes: 5 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('the contract schemas are strict: an unknown field fails even alongside valid ones', () => {
    for (const channel of INVOKE_CHANNELS) {
      expect(CONTRACT[channel].request.safeParse({ __extra: 1 }).success, channel).toBe(false);
    }
  });
});

describe('calls from anywhere but the app page', () => {
  const strangers = [
    { url: 'https://evil.example/index.html', isMainFrame: true },
    { url: 'custos://other/index.html', isMainFrame: true },
    { url: 'file:///work/main/dist/renderer/index.html', isMainFrame: true },
    { url: 'http://127.0.0.1:9/index.html', isMainFrame: true },
    { url: `${TEST_ORIGIN}/index.html`, isMainFrame: false },
    { url: 'not a url', isMainFrame: true },
    { url: '', isMainFrame: true },
  ];

  it('are refused with FORBIDDEN_SENDER on every channel, before the payload is even read', async () => {
    const h = startHarness();
    await h.ok('vault:create', { name: 'origin', passphrase: SECRET, kdf: FAST_KDF });
    for (const channel of INVOKE_CHANNELS) {
      for (const sender of strangers) {
        const result = await h.raw(channel, channel === 'vault:lock' ? {} : undefined, sender);
        expect(result, `${channel} from ${sender.url}`).toMatchObject({ ok: false, code: 'FORBIDDEN_SENDER' });
      }
    }
    // The stranger's vault:lock did not lock.
    expect((await h.ok('app:status', {})).unlocked).not.toBeNull();
    expect(h.events.filter((e) => e.channel === 'event:locked')).toEqual([]);
  });
});
