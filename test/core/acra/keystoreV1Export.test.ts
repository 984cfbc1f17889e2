import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEntries } from '../../../src-main/core/audit/report.js';
import { exportAcraKeystore } from '../../../src-main/core/acra/exportKeys.js';
import { writeKeystoreFolder } from '../../../src-main/core/acra/keystoreV1Folder.js';
import { newAcraMasterKey } from '../../../src-main/core/acra/masterKey.js';
import { encodePrivateContainer, encodePublicContainer } from '../../../src-main/core/themis/ecKeys.js';
import { caughtCustosError } from '../../helpers/errorCode.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';
import { wasmThemis } from '../themis/wasmThemis.js';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Every file and folder under dir, relative, with its permission bits. */
function tree(dir: string, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const stat = statSync(join(dir, rel));
    out.set(rel, stat.mode & 0o777);
    if (stat.isDirectory()) for (const [k, v] of tree(dir, rel)) out.set(k, v);
  }
  return out;
}

async function catalogueVault(): Promise<TestVault> {
  const vault = await makeVault();
  const ks = await vault.open();
  ks.generate([{ scope: 'client', clientId: 'client-one' }, { scope: 'zone', zoneId: 'zone-0001' }, { scope: 'global' }]);
  ks.rotate('client-one_storage');
  ks.rotate('client-one_storage');
  ks.rotate('client-one_hmac');
  ks.close();
  return vault;
}

describe('acra export: a keystore v1 folder as Acra writes it', () => {
  it('lays out every file with Acra names and modes, sealed so that wasm-themis opens each with the context Acra uses', async () => {
    const vault = await catalogueVault();
    const out = join(tempDir(), '.acrakeys');
    const acraKey = newAcraMasterKey();
    const ks = await vault.open();
    const report = exportAcraKeystore(ks, { out, acraMasterKey: acraKey, selection: { clientIds: ['client-one'], zoneIds: ['zone-0001'], global: true } });
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const files = tree(out);
    const old = [...files.keys()].filter((p) => p.startsWith('client-one_storage.old/')).sort();
    const oldPub = [...files.keys()].filter((p) => p.startsWith('client-one_storage.pub.old/')).sort();
    const hmacOld = [...files.keys()].filter((p) => p.startsWith('client-one_hmac.old/'));
    expect(old).toHaveLength(2);
    expect(hmacOld).toHaveLength(1);
    // Go's layout 2006-01-02T15:04:05.999999999: no zone, fraction without trailing zeros.
    for (const p of [...old, ...hmacOld]) expect(p.split('/')[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?$/);
    expect(oldPub.map((p) => p.split('/')[1])).toEqual(old.map((p) => p.split('/')[1]));
    const expected = new Map<string, number>([
      ['client-one', 0o600], ['client-one.pub', 0o644], ['client-one_server', 0o600], ['client-one_server.pub', 0o644],
      ['client-one_translator', 0o600], ['client-one_translator.pub', 0o644], ['client-one_storage', 0o600], ['client-one_storage.pub', 0o644],
      ['client-one_storage.old', 0o700], ['client-one_storage.pub.old', 0o700], ['client-one_storage_sym', 0o600], ['client-one_hmac', 0o600], ['client-one_hmac.old', 0o700],
      ['zone-0001_zone', 0o600], ['zone-0001_zone.pub', 0o644], ['zone-0001_zone_sym', 0o600],
      ['.poison_key', 0o700], ['.poison_key/poison_key', 0o600], ['.poison_key/poison_key.pub', 0o644], ['.poison_key/poison_key_sym', 0o600],
      ['secure_log_key', 0o600], ['auth_key', 0o600],
      ...old.map((p) => [p, 0o600] as const), ...oldPub.map((p) => [p, 0o644] as const), ...hmacOld.map((p) => [p, 0o600] as const),
    ]);
    expect(new Map([...files].sort())).toEqual(new Map([...expected].sort()));
    expect(report.keys).toHaveLength(15);

    // The independent implementation opens each sealed file with the context Acra's code gives it.
    const themis = await wasmThemis();
    const cell = themis.SecureCellSeal.withKey(acraKey);
    const contexts: Record<string, string> = { '.poison_key/poison_key': '.poison_key/poison_key', '.poison_key/poison_key_sym': '.poison_key/poison_key_sym', secure_log_key: 'secure_log_key' };
    const contextOf = (p: string) => contexts[p] ?? (p.startsWith('zone-0001') ? 'zone-0001' : 'client-one');
    const secrets = new Map<string, Uint8Array>();
    const rows = [...ks.versionRows()];
    for (const row of rows) secrets.set(`${row.name}/${row.version}`, ks.openSecret(row));
    const pairs: Array<[string, string, string]> = [
      ['client-one', 'client-one.pub', 'client-one/1'], ['client-one_storage', 'client-one_storage.pub', 'client-one_storage/3'],
      [old[0]!, oldPub[0]!, 'client-one_storage/1'], [old[1]!, oldPub[1]!, 'client-one_storage/2'], ['zone-0001_zone', 'zone-0001_zone.pub', 'zone-0001_zone/1'],
      ['.poison_key/poison_key', '.poison_key/poison_key.pub', 'poison_key/1'],
    ];
    for (const [privPath, pubPath, version] of pairs) {
      const sealed = readFileSync(join(out, privPath));
      expect(sealed.length).toBe(89);
      const priv = new Uint8Array(cell.decrypt(sealed, utf8(contextOf(privPath.split('.old/')[0]!))));
      expect(priv).toEqual(encodePrivateContainer(secrets.get(version)!));
      const pub = new Uint8Array(readFileSync(join(out, pubPath)));
      expect(pub.length).toBe(45);
      // The private key belongs to the public one: what it signs, the public key verifies.
      const signed = new themis.SecureMessageSign(new themis.PrivateKey(priv)).sign(utf8(version));
      expect(new Uint8Array(new themis.SecureMessageVerify(new themis.PublicKey(pub)).verify(signed))).toEqual(utf8(version));
      expect(() => cell.decrypt(sealed, utf8('another-client'))).toThrow();
    }
    expect(new Uint8Array(readFileSync(join(out, 'client-one.pub')))).toEqual(encodePublicContainer(rows.find((r) => r.name === 'client-one')!.public_key!));
    const syms: Array<[string, string]> = [
      ['client-one_storage_sym', 'client-one_storage_sym/1'], ['client-one_hmac', 'client-one_hmac/2'], [hmacOld[0]!, 'client-one_hmac/1'],
      ['zone-0001_zone_sym', 'zone-0001_zone_sym/1'], ['.poison_key/poison_key_sym', 'poison_key_sym/1'], ['secure_log_key', 'secure_log_key/1'],
    ];
    for (const [path, version] of syms) {
      const sealed = readFileSync(join(out, path));
      expect(sealed.length).toBe(76);
      expect(new Uint8Array(cell.decrypt(sealed, utf8(contextOf(path.split('.old/')[0]!))))).toEqual(secrets.get(version));
    }
    // auth_key: Acra (up to 0.90) kept it in the clear.
    expect(new Uint8Array(readFileSync(join(out, 'auth_key')))).toEqual(secrets.get('auth_key/1'));
    const entry = auditEntries(ks).filter((e) => e.operation === 'export').at(-1);
    expect(JSON.stringify(entry)).toContain('acra-keystore-v1');
    ks.close();
  });

  it('refuses an X25519 key, naming it and what to do, and writes nothing', async () => {
    const vault = await makeVault();
    const ks = await vault.open();
    ks.generate([{ scope: 'client', clientId: 'legacy-svc', keyType: 'x25519' }]);
    const out = join(tempDir(), '.acrakeys');
    const error = caughtCustosError(() => exportAcraKeystore(ks, { out, acraMasterKey: newAcraMasterKey(), selection: { clientIds: ['legacy-svc'], zoneIds: [], global: false } }));
    expect(error.code).toBe('ACRA_KEY_UNSUPPORTED');
    expect(error.message).toMatch(/'legacy-svc(_\w+)?' is an X25519 key pair/);
    expect(error.message).toContain('P-256');
    expect(error.message).toContain('custos keys generate');
    expect(existsSync(out)).toBe(false);
    ks.close();
  });

  it('never writes into a folder that holds files unless forced, and then replaces it whole', async () => {
    const vault = await catalogueVault();
    const parent = tempDir();
    const out = join(parent, '.acrakeys');
    mkdirSync(out);
    writeFileSync(join(out, 'client-one_storage'), 'an older keystore');
    const ks = await vault.open();
    const selection = { clientIds: ['client-one'], zoneIds: [], global: false };
    expect(caughtCustosError(() => exportAcraKeystore(ks, { out, acraMasterKey: newAcraMasterKey(), selection })).code).toBe('FILE_EXISTS');
    expect(readFileSync(join(out, 'client-one_storage'), 'utf8')).toBe('an older keystore');
    exportAcraKeystore(ks, { out, acraMasterKey: newAcraMasterKey(), selection, force: true });
    expect(readFileSync(join(out, 'client-one_storage')).length).toBe(89);
    expect(readdirSync(parent)).toEqual(['.acrakeys']);
    ks.close();
  });

  it('a write that fails half-way leaves nothing under the final name, and no temporary folder', () => {
    const parent = tempDir();
    const out = join(parent, '.acrakeys');
    const file = { path: 'client-one_hmac', bytes: new Uint8Array(76) };
    // The second file of the same name fails to open exclusively, after the first was written.
    expect(caughtCustosError(() => writeKeystoreFolder(out, [file, { path: 'client-one_storage_sym', bytes: new Uint8Array(76) }, file])).code).toBe('FILE_IO');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a run killed while writing leaves only a hidden partial folder, which the next export of that name removes', async () => {
    const parent = tempDir();
    const out = join(parent, '.acrakeys');
    // What a killed run leaves: its temporary sibling, half written; nothing under the final name.
    const partial = join(parent, '..acrakeys.custos-partial-0123456789ab'); // '.' + the folder's name + the mark
    mkdirSync(partial, { mode: 0o700 });
    writeFileSync(join(partial, 'client-one_hmac'), new Uint8Array(76));
    expect(existsSync(out)).toBe(false);
    const vault = await catalogueVault();
    const ks = await vault.open();
    exportAcraKeystore(ks, { out, acraMasterKey: newAcraMasterKey(), selection: { clientIds: ['client-one'], zoneIds: [], global: false } });
    ks.close();
    expect(readdirSync(parent)).toEqual(['.acrakeys']);
    expect(readdirSync(out)).toContain('client-one_storage');
  });
});
