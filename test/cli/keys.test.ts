import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyDetail, KeyInfo } from '../../shared/keys.js';
import { CLIENT_NAMES, expectJsonError, expectOk, expectTextError, GLOBAL_NAMES, initVault, json, snapshot, withUnlockNotes, ZONE_NAMES, type CliVault } from './fixtures.js';

const KEY_INFO_FIELDS = ['algorithm', 'clientId', 'createdAt', 'fingerprint', 'name', 'purpose', 'state', 'version', 'zoneId'];

async function list(vault: CliVault, ...args: string[]): Promise<KeyInfo[]> {
  return json<KeyInfo[]>(expectOk(await vault.run(['keys', 'list', ...args, '--json'])));
}

async function generate(vault: CliVault, ...args: string[]): Promise<KeyInfo[]> {
  return json<KeyInfo[]>(expectOk(await vault.run(['keys', 'generate', ...args, '--json'])));
}

const names = (keys: KeyInfo[]) => keys.map((k) => k.name).sort();

/** The fingerprint as the design defines it, computed here without Custos's code. */
function spkiFingerprint(spkiDer: Buffer, algorithm = 'p256'): string {
  return createHash('sha256').update(`custos/fingerprint/v1/${algorithm}-spki\0`).update(spkiDer).digest().subarray(0, 16).toString('hex');
}

function opensslText(pem: string): string {
  const result = spawnSync('openssl', ['pkey', '-pubin', '-noout', '-text'], { input: pem, encoding: 'utf8' });
  if (result.error) throw result.error;
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('custos keys generate', () => {
  it('--client-id ID --all makes exactly the six Acra client keys', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--client-id', 'billing-svc', '--all');
    expect(names(created)).toEqual(CLIENT_NAMES('billing-svc').sort());
    const byName = new Map(created.map((k) => [k.name, k]));
    // Key pairs are Themis EC on P-256 by default, what Acra reads.
    expect(byName.get('billing-svc')).toMatchObject({ purpose: 'transport-connector', algorithm: 'p256' });
    expect(byName.get('billing-svc_server')).toMatchObject({ purpose: 'transport-server', algorithm: 'p256' });
    expect(byName.get('billing-svc_translator')).toMatchObject({ purpose: 'transport-translator', algorithm: 'p256' });
    expect(byName.get('billing-svc_storage')).toMatchObject({ purpose: 'storage', algorithm: 'p256' });
    expect(byName.get('billing-svc_storage_sym')).toMatchObject({ purpose: 'storage-sym', algorithm: 'sym256' });
    expect(byName.get('billing-svc_hmac')).toMatchObject({ purpose: 'hmac', algorithm: 'sym256' });
    for (const key of created) {
      expect(key).toMatchObject({ clientId: 'billing-svc', zoneId: null, version: 1, state: 'active' });
      expect(key.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(new Set(created.map((k) => k.fingerprint)).size).toBe(6);
    // what was reported is what was stored
    expect(await list(vault)).toEqual([...created].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('--key-type x25519 makes X25519 pairs (symmetric keys stay sym256); an unknown type is a usage error', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--client-id', 'billing-svc', '--all', '--key-type', 'x25519');
    expect(created.filter((k) => k.algorithm === 'x25519').map((k) => k.purpose).sort()).toEqual(['storage', 'transport-connector', 'transport-server', 'transport-translator']);
    expect(created.filter((k) => k.algorithm === 'sym256')).toHaveLength(2);
    expect((await vault.run(['keys', 'generate', '--global', '--all', '--key-type', 'rsa'])).code).toBe(2);
  });

  it('--client-id repeated makes the keys of every client id in one transaction, all or nothing', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--client-id', 'billing-svc', '--client-id', 'orders-svc', '--all');
    expect(names(created)).toEqual([...CLIENT_NAMES('billing-svc'), ...CLIENT_NAMES('orders-svc')].sort());
    const entries = json<Array<{ operation: string }>>(expectOk(await vault.run(['audit', 'list', '--json'])));
    expect(entries.filter((e) => e.operation === 'key-generate')).toHaveLength(1);
    // One id that already has keys refuses the whole call: the new id gets nothing either.
    expectTextError(await vault.run(['keys', 'generate', '--client-id', 'new-svc', '--client-id', 'orders-svc', '--all']), 'KEY_EXISTS');
    expect((await list(vault)).filter((k) => k.clientId === 'new-svc')).toEqual([]);
    expect(names(await generate(vault, '--zone-id', 'zone-0001', '--zone-id', 'zone-0002', '--all'))).toEqual([...ZONE_NAMES('zone-0001'), ...ZONE_NAMES('zone-0002')].sort());
  });

  it('--zone-id ID --all makes ID_zone and ID_zone_sym', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--zone-id', 'zone-0001', '--all');
    expect(names(created)).toEqual(ZONE_NAMES('zone-0001').sort());
    for (const key of created) expect(key).toMatchObject({ clientId: null, zoneId: 'zone-0001' });
    expect(created.find((k) => k.name === 'zone-0001_zone')?.algorithm).toBe('p256');
    expect(created.find((k) => k.name === 'zone-0001_zone_sym')?.algorithm).toBe('sym256');
  });

  it('--global --all makes the four global keys', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--global', '--all');
    expect(names(created)).toEqual([...GLOBAL_NAMES].sort());
    for (const key of created) expect(key).toMatchObject({ clientId: null, zoneId: null });
  });

  it('--purpose (repeatable) makes only those keys', async () => {
    const vault = await initVault();
    expect(names(await generate(vault, '--client-id', 'orders', '--purpose', 'storage', '--purpose', 'hmac'))).toEqual(['orders_hmac', 'orders_storage']);
    expect(names(await generate(vault, '--global', '--purpose', 'poison'))).toEqual(['poison_key']);
    expect(names(await list(vault))).toEqual(['orders_hmac', 'orders_storage', 'poison_key']);
  });

  it('text output is a table naming each new key', async () => {
    const vault = await initVault();
    const result = expectOk(await vault.run(['keys', 'generate', '--global', '--all']));
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CLIENT\/ZONE\s+PURPOSE\s+ALGORITHM\s+VERSION\s+STATE\s+FINGERPRINT\s+CREATED$/);
    expect(lines).toHaveLength(5);
    for (const name of GLOBAL_NAMES) expect(lines.some((l) => l.startsWith(`${name} `))).toBe(true);
  });

  const INVALID: Array<[string, string[]]> = [
    ['no scope', ['--all']],
    ['two scopes', ['--client-id', 'orders', '--global', '--all']],
    ['client and zone', ['--client-id', 'orders', '--zone-id', 'zone1', '--all']],
    ['neither --all nor --purpose', ['--client-id', 'orders']],
    ['both --all and --purpose', ['--client-id', 'orders', '--all', '--purpose', 'storage']],
    ['a purpose of another scope', ['--global', '--purpose', 'zone']],
    ['a client purpose for a zone', ['--zone-id', 'zone1', '--purpose', 'hmac']],
    ['an unknown purpose', ['--client-id', 'orders', '--purpose', 'storage-ish']],
    ['a client id that is too short', ['--client-id', 'abc', '--all']],
    ['a client id with a space', ['--client-id', 'bad id here', '--all']],
    ['a client id with a path separator', ['--client-id', '../../etc', '--all']],
  ];

  it.each(INVALID)('%s is INVALID_ARGUMENT, exit 2, and writes nothing', async (_label, args) => {
    const vault = await initVault();
    const before = snapshot(vault.path);
    expectTextError(await vault.run(['keys', 'generate', ...args]), 'INVALID_ARGUMENT', 2);
    expectJsonError(await vault.run(['keys', 'generate', ...args, '--json']), 'INVALID_ARGUMENT', 2);
    expect(snapshot(vault.path)).toEqual(before);
    expect(await list(vault)).toEqual([]);
  });

  it('generating a key that exists is KEY_EXISTS, and nothing at all is written', async () => {
    const vault = await initVault();
    const [storage] = await generate(vault, '--client-id', 'orders', '--purpose', 'storage');
    const before = snapshot(vault.path);
    const message = expectTextError(await vault.run(['keys', 'generate', '--client-id', 'orders', '--all']), 'KEY_EXISTS');
    expect(message).toContain('orders_storage');
    expectJsonError(await vault.run(['keys', 'generate', '--client-id', 'orders', '--all', '--json']), 'KEY_EXISTS');
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));
    expect(await list(vault)).toEqual([storage]);
  });

  it('--skip-existing generates only what is missing and leaves existing keys alone', async () => {
    const vault = await initVault();
    const [storage] = await generate(vault, '--client-id', 'orders', '--purpose', 'storage');
    const created = await generate(vault, '--client-id', 'orders', '--all', '--skip-existing');
    expect(names(created)).toEqual(CLIENT_NAMES('orders').filter((n) => n !== 'orders_storage').sort());
    const all = await list(vault);
    expect(names(all)).toEqual(CLIENT_NAMES('orders').sort());
    expect(all.find((k) => k.name === 'orders_storage')).toEqual(storage);

    expect(await generate(vault, '--client-id', 'orders', '--all', '--skip-existing')).toEqual([]);
    const text = expectOk(await vault.run(['keys', 'generate', '--client-id', 'orders', '--all', '--skip-existing']));
    expect(text.stdout).toContain('nothing to generate');
  });

  it('--skip-existing still refuses a name held by a key of another kind', async () => {
    const vault = await initVault();
    // Acra's naming lets zone 'sales' and client 'sales_zone' both claim the name 'sales_zone'.
    await generate(vault, '--zone-id', 'sales', '--all');
    const before = snapshot(vault.path);
    expectTextError(await vault.run(['keys', 'generate', '--client-id', 'sales_zone', '--all', '--skip-existing']), 'KEY_EXISTS');
    expect(snapshot(vault.path)).toEqual(withUnlockNotes(before, vault.path));
  });
});

describe('custos keys list', () => {
  async function populated(): Promise<CliVault> {
    const vault = await initVault();
    await generate(vault, '--client-id', 'alpha', '--all');
    await generate(vault, '--client-id', 'bravo', '--purpose', 'storage', '--purpose', 'hmac');
    await generate(vault, '--zone-id', 'zone1', '--all');
    await generate(vault, '--global', '--all');
    return vault;
  }

  it('--json lists every key with exactly the documented fields, sorted by name', async () => {
    const vault = await populated();
    const keys = await list(vault);
    expect(keys).toHaveLength(6 + 2 + 2 + 4);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(KEY_INFO_FIELDS);
      expect(Number.isNaN(Date.parse(key.createdAt))).toBe(false);
      expect(key.version).toBe(1);
    }
    expect(keys.map((k) => k.name)).toEqual(keys.map((k) => k.name).sort());
  });

  it('filters by client id, zone id, purpose and state, alone and together', async () => {
    const vault = await populated();
    expect(names(await list(vault, '--client-id', 'alpha'))).toEqual(CLIENT_NAMES('alpha').sort());
    expect(names(await list(vault, '--client-id', 'bravo'))).toEqual(['bravo_hmac', 'bravo_storage']);
    expect(names(await list(vault, '--zone-id', 'zone1'))).toEqual(ZONE_NAMES('zone1').sort());
    expect(names(await list(vault, '--purpose', 'storage'))).toEqual(['alpha_storage', 'bravo_storage']);
    expect(names(await list(vault, '--purpose', 'hmac', '--client-id', 'bravo'))).toEqual(['bravo_hmac']);
    expect(await list(vault, '--client-id', 'nobody')).toEqual([]);
    expectOk(await vault.run(['keys', 'disable', 'alpha_hmac']));
    expect(names(await list(vault, '--state', 'disabled'))).toEqual(['alpha_hmac']);
    expect(await list(vault, '--state', 'active')).toHaveLength(13);
  });

  it('text output: a header and one row per key; "no keys" when empty', async () => {
    const vault = await initVault();
    expect(expectOk(await vault.run(['keys', 'list'])).stdout).toBe('no keys\n');
    await generate(vault, '--zone-id', 'zone1', '--all');
    const lines = expectOk(await vault.run(['keys', 'list'])).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^NAME\s+CLIENT\/ZONE\s+PURPOSE/);
    expect(lines[1]).toMatch(/^zone1_zone\s+zone1\s+zone\s+p256\s+1\s+active\s+[0-9a-f]{32}\s/);
  });
});

describe('custos keys show', () => {
  it('--json gives the key and its versions', async () => {
    const vault = await initVault();
    const [created] = await generate(vault, '--client-id', 'orders', '--purpose', 'storage');
    const detail = json<KeyDetail>(expectOk(await vault.run(['keys', 'show', 'orders_storage', '--json'])));
    expect(detail).toEqual({
      name: 'orders_storage',
      clientId: 'orders',
      zoneId: null,
      purpose: 'storage',
      algorithm: 'p256',
      currentVersion: 1,
      versions: [created],
    });
    const text = expectOk(await vault.run(['keys', 'show', 'orders_storage'])).stdout;
    expect(text).toContain('owner      client orders');
    expect(text).toContain('current    v1');
    expect(text).toContain(created?.fingerprint);
  });

  it('--public-pem is an X25519 SPKI that openssl reads, and its fingerprint is the one listed', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--client-id', 'orders', '--all', '--key-type', 'x25519');
    expect(created.filter((k) => k.algorithm === 'x25519')).toHaveLength(4);
    for (const key of created.filter((k) => k.algorithm === 'x25519')) {
      const pem = expectOk(await vault.run(['keys', 'show', key.name, '--public-pem'])).stdout;
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
      const text = opensslText(pem);
      expect(text).toContain('X25519 Public-Key');
      const der = createPublicKey(pem).export({ format: 'der', type: 'spki' });
      // openssl's "pub:" hex dump is the raw key: the last 32 bytes of the SPKI
      const pub = /pub:\s*([0-9a-f:\s]+)/.exec(text)?.[1]?.replace(/[\s:]/g, '');
      expect(pub).toBe(der.subarray(der.length - 32).toString('hex'));
      expect(spkiFingerprint(der, 'x25519')).toBe(key.fingerprint);
    }
  });

  it('--public-pem of a P-256 pair is a standard SPKI (uncompressed point) that openssl reads, and its fingerprint is the one listed', async () => {
    const vault = await initVault();
    const created = await generate(vault, '--client-id', 'orders', '--all');
    expect(created.filter((k) => k.algorithm === 'p256')).toHaveLength(4);
    for (const key of created.filter((k) => k.algorithm === 'p256')) {
      const pem = expectOk(await vault.run(['keys', 'show', key.name, '--public-pem'])).stdout;
      const text = opensslText(pem);
      expect(text).toContain('ASN1 OID: prime256v1');
      const der = createPublicKey(pem).export({ format: 'der', type: 'spki' });
      const pub = /pub:\s*([0-9a-f:\s]+)/.exec(text)?.[1]?.replace(/[\s:]/g, '');
      expect(pub?.startsWith('04')).toBe(true);
      expect(pub).toBe(der.subarray(der.length - 65).toString('hex'));
      expect(spkiFingerprint(der)).toBe(key.fingerprint);
    }
  });

  it('--public-pem --json gives {name, publicKeyPem}', async () => {
    const vault = await initVault();
    await generate(vault, '--global', '--purpose', 'poison');
    const body = json<{ name: string; publicKeyPem: string }>(expectOk(await vault.run(['keys', 'show', 'poison_key', '--public-pem', '--json'])));
    expect(body.name).toBe('poison_key');
    expect(opensslText(body.publicKeyPem)).toContain('ASN1 OID: prime256v1');
  });

  it('--public-pem --version N shows that older version', async () => {
    const vault = await initVault();
    const [v1] = await generate(vault, '--client-id', 'orders', '--purpose', 'storage');
    const v2 = json<KeyInfo>(expectOk(await vault.run(['keys', 'rotate', 'orders_storage', '--json'])));
    const pem1 = expectOk(await vault.run(['keys', 'show', 'orders_storage', '--public-pem', '--version', '1'])).stdout;
    const pem2 = expectOk(await vault.run(['keys', 'show', 'orders_storage', '--public-pem'])).stdout;
    expect(pem1).not.toBe(pem2);
    expect(spkiFingerprint(createPublicKey(pem1).export({ format: 'der', type: 'spki' }))).toBe(v1?.fingerprint);
    expect(spkiFingerprint(createPublicKey(pem2).export({ format: 'der', type: 'spki' }))).toBe(v2.fingerprint);
    expectTextError(await vault.run(['keys', 'show', 'orders_storage', '--public-pem', '--version', '3']), 'KEY_NOT_FOUND');
    expectTextError(await vault.run(['keys', 'show', 'orders_storage', '--public-pem', '--version', 'one']), 'INVALID_ARGUMENT', 2);
  });

  it('a symmetric key has no public part: KEY_NO_PUBLIC_PART in both forms', async () => {
    const vault = await initVault();
    await generate(vault, '--client-id', 'orders', '--purpose', 'storage-sym');
    expectTextError(await vault.run(['keys', 'show', 'orders_storage_sym', '--public-pem']), 'KEY_NO_PUBLIC_PART');
    expectJsonError(await vault.run(['keys', 'show', 'orders_storage_sym', '--public-pem', '--json']), 'KEY_NO_PUBLIC_PART');
  });
});
