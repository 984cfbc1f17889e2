/**
 * The Backups screen's Acra keystore section through the real handler table,
 * worker and SQLite files: an export to the folder main's dialog chose, with
 * a new Acra master key written 0600 into another folder main's dialog chose,
 * that wasm-themis (Cossack Labs' Themis) opens with Acra's contexts; a folder
 * holding keys refused unless Replace is ticked; an X25519 key refused with
 * the core's message and nothing written; an import that names the wrong
 * master key and leaves the vault unchanged, then brings every key in with
 * the source's fingerprints. No reply or event carries the key's bytes.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { wasmThemis } from '../core/themis/wasmThemis.js';
import { fingerprintLines, keepingReplies, madeFolder } from '../helpers/acraFixtures.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const PASS = 'correct horse battery staple';
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

let h: Harness;
let sourceId: string;
const replies: string[] = [];
const keyTexts: string[] = [];

/** Every answer is kept, so the last test can search them all for the key's bytes. */
const raw = keepingReplies((channel: 'acra:export' | 'acra:import', payload: unknown) => h.raw(channel, payload), replies);

const folder = (name: string) => madeFolder(h.dir, name);

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(async () => {
  h = startHarness({ suite: true });
  sourceId = (await h.ok('vault:create', { name: 'acra-source', passphrase: PASS, kdf: FAST_KDF })).id;
  await h.ok('keys:generate', { scope: 'client', clientId: 'billing-svc' });
  await h.ok('keys:generate', { scope: 'global' });
  await h.ok('keys:rotate', { name: 'billing-svc_storage' });
});

afterAll(async () => {
  await h?.close();
});

describe('acra:export', () => {
  const selection = { clientIds: ['billing-svc'], zoneIds: [], global: true };
  let out: string;
  let keyFile: string;

  it('writes the keystore where main chose, with a new Acra master key (0600) in another folder, that wasm-themis opens', async () => {
    out = folder('acrakeys');
    const keyDir = folder('acra-key');
    h.folderChoices.push({ purpose: 'acra-keystore-out', path: out }, { purpose: 'acra-master-key-out', path: keyDir });
    const result = await raw('acra:export', { selection, masterKey: 'new', replace: false });
    if (!result.ok) throw new Error(result.message);
    const value = result.value as { out: string; files: number; versions: number; keys: Array<{ name: string }>; acraMasterKeyFile: string };
    expect(value.out).toBe(out);
    expect(value.keys.map((k) => k.name)).toContain('billing-svc_storage');
    expect(value.versions).toBeGreaterThan(value.keys.filter((k) => k.name === 'billing-svc_storage').length);
    keyFile = value.acraMasterKeyFile;
    expect(keyFile.startsWith(keyDir)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    keyTexts.push(readFileSync(keyFile, 'latin1').trim());
    expect(listing(out)).toEqual(expect.arrayContaining(['billing-svc_storage', 'billing-svc_storage.pub', 'billing-svc_hmac', 'billing-svc_storage.old']));
    expect(value.files).toBe(listing(out).filter((p) => statSync(join(out, p)).isFile()).length);

    const cell = (await wasmThemis()).SecureCellSeal.withKey(Buffer.from(keyTexts[0]!, 'base64'));
    expect(new Uint8Array(cell.decrypt(readFileSync(join(out, 'billing-svc_storage')), utf8('billing-svc'))).subarray(0, 4)).toEqual(utf8('REC2'));
    expect(new Uint8Array(cell.decrypt(readFileSync(join(out, 'billing-svc_hmac')), utf8('billing-svc'))).length).toBe(32);
    expect(new Uint8Array(cell.decrypt(readFileSync(join(out, '.poison_key/poison_key_sym')), utf8('.poison_key/poison_key_sym'))).length).toBe(32);
  });

  it('refuses a folder that holds keys unless Replace is ticked, and removes the new key it made for it', async () => {
    const before = listing(out).map((p) => [p, statSync(join(out, p)).mtimeMs]);
    const keyDir = folder('acra-key-2');
    h.folderChoices.push({ purpose: 'acra-keystore-out', path: out }, { purpose: 'acra-master-key-out', path: keyDir });
    const refused = await raw('acra:export', { selection, masterKey: 'new', replace: false });
    expect(refused).toMatchObject({ ok: false, code: 'FILE_EXISTS' });
    if (!refused.ok) expect(refused.message).toContain("tick 'Replace the folder'");
    expect(listing(out).map((p) => [p, statSync(join(out, p)).mtimeMs])).toEqual(before);
    expect(readdirSync(keyDir)).toEqual([]);

    // Ticked, with the existing key read from the file main's dialog chose: the folder is replaced whole.
    h.folderChoices.push({ purpose: 'acra-keystore-out', path: out });
    h.fileChoices.push(keyFile);
    const replaced = await raw('acra:export', { selection, masterKey: 'file', replace: true });
    expect(replaced).toMatchObject({ ok: true, value: { out, acraMasterKeyFile: null } });
    expect(h.fileRequests.at(-1)?.purpose).toBe('acra-master-key');
  });

  it('refuses to save the new key inside the keystore folder', async () => {
    const target = folder('acrakeys-nested');
    h.folderChoices.push({ purpose: 'acra-keystore-out', path: target }, { purpose: 'acra-master-key-out', path: target });
    expect(await raw('acra:export', { selection, masterKey: 'new', replace: true })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(readdirSync(target)).toEqual([]);
  });

  it("refuses an X25519 key with the core's message, writing neither keystore nor key", async () => {
    const path = (await h.ok('vault:list', {})).vaults.find((v) => v.id === sourceId)!.path;
    await h.ok('vault:lock', {});
    // The screen cannot make X25519 keys (P-256 is the default); an older vault holds them, as the core can still make them.
    const ks = await openKeystore(path, { kind: 'passphrase', passphrase: PASS });
    ks.generate([{ scope: 'client', clientId: 'legacy-svc', keyType: 'x25519' }]);
    ks.close();
    await h.ok('vault:unlock', { id: sourceId, passphrase: PASS });
    const target = folder('acrakeys-x25519');
    const keyDir = folder('acra-key-x25519');
    h.folderChoices.push({ purpose: 'acra-keystore-out', path: target }, { purpose: 'acra-master-key-out', path: keyDir });
    const refused = await raw('acra:export', { selection: { clientIds: ['legacy-svc'], zoneIds: [], global: false }, masterKey: 'new', replace: false });
    expect(refused).toMatchObject({ ok: false, code: 'ACRA_KEY_UNSUPPORTED' });
    if (!refused.ok) expect(refused.message).toMatch(/'legacy-svc[a-z_]*' is an X25519 key pair; Acra reads only Themis EC key pairs on P-256/);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(keyDir)).toEqual([]);
  });
});

describe('acra:import', () => {
  it('a wrong Acra master key is named and the vault stays empty; the right one brings every version in with its fingerprint', async () => {
    const source = (await h.ok('keys:list', { allVersions: true })).keys.filter((k) => k.name.startsWith('billing-svc') || !k.clientId);
    await h.ok('vault:create', { name: 'acra-target', passphrase: PASS, kdf: FAST_KDF });
    const out = join(h.dir, 'acrakeys');
    const wrong = join(h.dir, 'wrong.key');
    writeFileSync(wrong, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    h.folderChoices.push({ purpose: 'acra-keystore-in', path: out });
    h.fileChoices.push(wrong);
    expect(await raw('acra:import', {})).toMatchObject({ ok: false, code: 'ACRA_WRONG_MASTER_KEY' });
    expect((await h.ok('keys:list', {})).keys).toEqual([]);

    const keyFile = readdirSync(join(h.dir, 'acra-key')).map((f) => join(h.dir, 'acra-key', f))[0]!;
    h.folderChoices.push({ purpose: 'acra-keystore-in', path: out });
    h.fileChoices.push(keyFile);
    const result = await raw('acra:import', {});
    if (!result.ok) throw new Error(result.message);
    const value = result.value as { from: string; versions: number; keys: Array<{ name: string; version: number; fingerprint: string }> };
    expect(value.from).toBe(out);
    const live = source.filter((k) => k.state === 'active' || k.state === 'rotated');
    expect(value.versions).toBe(live.length);
    expect(fingerprintLines(value.keys)).toEqual(fingerprintLines(live));
  });

  it('a truncated file is named, and nothing is written', async () => {
    const broken = join(h.dir, 'acrakeys-broken');
    mkdirSync(broken);
    for (const name of listing(join(h.dir, 'acrakeys'))) {
      const from = join(h.dir, 'acrakeys', name);
      if (statSync(from).isDirectory()) mkdirSync(join(broken, name), { recursive: true });
      else writeFileSync(join(broken, name), readFileSync(from));
    }
    truncateSync(join(broken, 'billing-svc_hmac'), 20);
    await h.ok('vault:create', { name: 'acra-third', passphrase: PASS, kdf: FAST_KDF });
    h.folderChoices.push({ purpose: 'acra-keystore-in', path: broken });
    h.fileChoices.push(readdirSync(join(h.dir, 'acra-key')).map((f) => join(h.dir, 'acra-key', f))[0]!);
    const refused = await raw('acra:import', {});
    expect(refused).toMatchObject({ ok: false, code: 'ACRA_KEY_UNREADABLE' });
    if (!refused.ok) expect(refused.message).toContain('billing-svc_hmac');
    expect((await h.ok('keys:list', {})).keys).toEqual([]);
  });
});

describe('no reply carries the Acra master key', () => {
  it('in base64, hex or bytes, in any answer or event', () => {
    const key = Buffer.from(keyTexts[0]!, 'base64');
    expect(key.length).toBe(32);
    const everything = [...replies, ...h.events.map((e) => JSON.stringify(e))].join('\n');
    for (const form of [key.toString('base64'), key.toString('hex'), key.toString('base64url'), [...key].join(',')]) expect(everything).not.toContain(form);
    expect(replies.length).toBeGreaterThan(6);
  });
});
