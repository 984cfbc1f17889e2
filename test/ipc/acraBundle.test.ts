/**
 * The Backups screen's acra-keys bundles through the real handler table,
 * worker and SQLite files: an export to the two files main's save dialogs
 * chose (both 0600, the secret 32 bytes) that wasm-themis opens into the gob
 * list acra-keys import reads, and that `custos acra bundle import` reads
 * into a CLI vault with the same fingerprints; existing files refused unless
 * Replace is ticked; a wrong secret, a short secret and a truncated bundle
 * each a typed error with the vault unchanged; then the import brings every
 * key in; a bundle wasm-themis sealed as acra-keys export does is read too.
 * No reply or event carries the secret's bytes or a key's.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/keys.js';
import { decodeAcraKeyList, encodeAcraKeyList } from '../../src-main/core/acra/gobKeys.js';
import { acraKeymakerFolder } from '../core/acra/acraFolder.js';
import { expectOk, initVault, json } from '../cli/fixtures.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';
import { fingerprintLines, keepingReplies } from '../helpers/acraFixtures.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const PASS = 'correct horse battery staple';

let h: Harness;
const replies: string[] = [];
const secrets: Buffer[] = [];
const contents: Buffer[] = [];

const raw = keepingReplies((channel: 'acra:bundleExport' | 'acra:bundleImport', payload: unknown) => h.raw(channel, payload), replies);

const selection = { clientIds: ['billing-svc'], zoneIds: [], global: true };

beforeAll(async () => {
  h = startHarness({ suite: true });
  await h.ok('vault:create', { name: 'acra-bundle-source', passphrase: PASS, kdf: FAST_KDF });
  await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
  await h.ok('keys:generate', { scope: 'global' });
  await h.ok('keys:rotate', { name: 'billing-svc_storage_sym' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('acra:bundleExport and acra:bundleImport', () => {
  let bundle: string;
  let secret: string;
  let exported: Array<{ name: string; version: number; fingerprint: string }>;

  it('writes the bundle and its 32-byte secret (both 0600) where main chose, which wasm-themis opens as acra-keys import would', async () => {
    bundle = join(h.dir, 'keys.bundle');
    secret = join(h.dir, 'keys.secret');
    h.saveChoices.push(bundle, secret);
    const before = h.events.length;
    const result = await raw('acra:bundleExport', { selection, replace: false });
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const value = result.value as { bundle: string; secret: string; entries: number; versions: number; keys: Array<{ name: string; version: number; fingerprint: string }> };
    expect(value).toMatchObject({ bundle, secret });
    exported = value.keys;
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(statSync(secret).size).toBe(32);
    secrets.push(readFileSync(secret));
    const entries = decodeAcraKeyList((await wasmThemis()).SecureCellSeal.withKey(readFileSync(secret)).decrypt(readFileSync(bundle)));
    expect(entries).toHaveLength(value.entries);
    const names = entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['billing-svc_storage', 'billing-svc_storage.pub', 'billing-svc_storage_sym', 'billing-svc_hmac', '.poison_key/poison_key_sym']));
    expect(names.some((n) => n.startsWith('billing-svc_storage_sym.old/'))).toBe(true);
    // Keys travel in the clear inside the sealed bundle: a P-256 private key is Themis's REC2, a symmetric key 32 bytes.
    expect(Buffer.from(entries.find((e) => e.name === 'billing-svc_storage')!.content).subarray(0, 4).toString()).toBe('REC2');
    expect(entries.find((e) => e.name === 'billing-svc_hmac')!.content).toHaveLength(32);
    for (const e of entries) if (!e.name.endsWith('.pub')) contents.push(Buffer.from(e.content));
    expect(h.events.slice(before).at(-1)?.payload).toMatchObject({ task: 'export', done: value.entries, total: value.entries });
  });

  it('custos acra bundle import reads it into a CLI vault with the same fingerprints', async () => {
    const v = await initVault();
    expectOk(await v.run(['acra', 'bundle', 'import', '--bundle', bundle, '--secret', secret]));
    const listed = json<KeyInfo[]>(expectOk(await v.run(['keys', 'list', '--all-versions', '--json'])));
    expect(fingerprintLines(listed)).toEqual(fingerprintLines(exported));
  }, 120_000);

  it('refuses files that exist unless Replace is ticked, leaving them as they were', async () => {
    const kept = [readFileSync(bundle), readFileSync(secret)];
    h.saveChoices.push(bundle, secret);
    const refused = await raw('acra:bundleExport', { selection, replace: false });
    expect(refused).toMatchObject({ ok: false, code: 'FILE_EXISTS' });
    if (!refused.ok) expect(refused.message).toContain("tick 'Replace existing files'");
    expect([readFileSync(bundle), readFileSync(secret)]).toEqual(kept);
    h.saveChoices.push(bundle, bundle);
    expect(await raw('acra:bundleExport', { selection, replace: true })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect([readFileSync(bundle), readFileSync(secret)]).toEqual(kept);
  });

  it('a wrong secret, a short secret and a truncated bundle are each typed, and the vault stays empty', async () => {
    await h.ok('vault:create', { name: 'acra-bundle-target', passphrase: PASS, kdf: FAST_KDF });
    const wrong = join(h.dir, 'wrong.secret');
    writeFileSync(wrong, randomBytes(32), { mode: 0o600 });
    const short = join(h.dir, 'short.secret');
    writeFileSync(short, readFileSync(secret).subarray(0, 31), { mode: 0o600 });
    const truncated = join(h.dir, 'truncated.bundle');
    const data = readFileSync(bundle);
    writeFileSync(truncated, data.subarray(0, data.length - 40));
    for (const [files, code] of [
      [[bundle, wrong], 'BUNDLE_TAMPERED'],
      [[bundle, short], 'ACCESS_KEYS_MALFORMED'],
      [[truncated, secret], 'BUNDLE_TAMPERED'],
    ] as const) {
      h.fileChoices.push(...files);
      expect(await raw('acra:bundleImport', {}), code).toMatchObject({ ok: false, code });
      expect((await h.ok('keys:list', {})).keys).toEqual([]);
    }
    expect(h.fileRequests.slice(-2).map((r) => r.purpose)).toEqual(['acra-bundle', 'acra-bundle-secret']);
  });

  it('the right secret brings every exported key version in, with its fingerprint', async () => {
    h.fileChoices.push(bundle, secret);
    const result = await raw('acra:bundleImport', {});
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const value = result.value as { bundle: string; versions: number; keys: Array<{ name: string; version: number; fingerprint: string }> };
    expect(value.bundle).toBe(bundle);
    expect(value.versions).toBe(exported.length);
    expect(fingerprintLines(value.keys)).toEqual(fingerprintLines(exported));
    expect(fingerprintLines((await h.ok('keys:list', { allVersions: true })).keys)).toEqual(fingerprintLines(exported));
  });

  it('imports a bundle that wasm-themis sealed as acra-keys export does, with the keys of the same folder', async () => {
    await h.ok('vault:create', { name: 'acra-bundle-themis', passphrase: PASS, kdf: FAST_KDF });
    const acraKey = new Uint8Array(randomBytes(32));
    const { files, clear } = await acraKeymakerFolder(join(h.dir, 'keymaker'), acraKey, 'orders-svc');
    const themisSecret = new Uint8Array(randomBytes(32));
    const themisBundle = join(h.dir, 'themis.bundle');
    const themisSecretFile = join(h.dir, 'themis.secret');
    writeFileSync(themisBundle, (await wasmThemis()).SecureCellSeal.withKey(themisSecret).encrypt(encodeAcraKeyList(files.map((f) => ({ name: f.path, content: clear.get(f.path)! })))));
    writeFileSync(themisSecretFile, themisSecret, { mode: 0o600 });
    secrets.push(Buffer.from(themisSecret));
    h.fileChoices.push(themisBundle, themisSecretFile);
    const result = await raw('acra:bundleImport', {});
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    expect(result.value).toMatchObject({ entries: files.length });
    const names = (await h.ok('keys:list', { allVersions: true })).keys.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining(['orders-svc_storage', 'orders-svc_storage_sym', 'orders-svc_hmac']));
  });

  it('no reply or event carries the secret or a key', () => {
    const everything = [...replies, ...h.events.map((e) => JSON.stringify(e))].join('\n');
    expect(secrets.length + contents.length).toBeGreaterThan(8);
    for (const bytes of [...secrets, ...contents]) {
      for (const form of [bytes.toString('base64'), bytes.toString('hex'), bytes.toString('base64url'), [...bytes].join(',')]) expect(everything).not.toContain(form);
    }
    expect(replies.length).toBeGreaterThanOrEqual(7);
  });
});
