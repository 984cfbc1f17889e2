import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openAcraKeysBundle, sealAcraKeysBundle } from '../../../src-main/core/acra/acraKeysBundle.js';
import { encodeAcraKeyList } from '../../../src-main/core/acra/gobKeys.js';
import { caughtCustosError } from '../../helpers/errorCode.js';
import { wasmThemis } from '../themis/wasmThemis.js';

const entries = [
  { name: 'billing_storage_sym', content: new Uint8Array(randomBytes(32)) },
  { name: 'billing_hmac.old/2024-05-06T07:08:09.1', content: new Uint8Array(randomBytes(32)) },
  { name: '.poison_key/poison_key.pub', content: new Uint8Array(randomBytes(45)) },
];

describe('acra-keys v1 bundles', () => {
  it('opens a bundle that wasm-themis sealed as acra-keys export does (fresh 32-byte key, no context)', async () => {
    const themis = await wasmThemis();
    const secret = new Uint8Array(randomBytes(32));
    const data = themis.SecureCellSeal.withKey(secret).encrypt(encodeAcraKeyList(entries));
    expect(openAcraKeysBundle(data, secret)).toEqual(entries);
  });

  it('seals a bundle that wasm-themis opens, holding the gob list', async () => {
    const themis = await wasmThemis();
    const { data, secret } = sealAcraKeysBundle(entries);
    expect(secret).toHaveLength(32);
    const plain = themis.SecureCellSeal.withKey(secret).decrypt(data);
    expect(Buffer.from(plain).equals(Buffer.from(encodeAcraKeyList(entries)))).toBe(true);
    expect(sealAcraKeysBundle(entries).secret).not.toEqual(secret);
  });

  it('names a wrong secret, a changed or cut bundle, a short secret and a payload that is not the list', () => {
    const { data, secret } = sealAcraKeysBundle(entries);
    const other = sealAcraKeysBundle(entries).secret;
    const flipped = Uint8Array.from(data);
    flipped[60] = (flipped[60] ?? 0) ^ 1;
    expect(caughtCustosError(() => openAcraKeysBundle(data, other)).code).toBe('BUNDLE_TAMPERED');
    expect(caughtCustosError(() => openAcraKeysBundle(flipped, secret)).code).toBe('BUNDLE_TAMPERED');
    expect(caughtCustosError(() => openAcraKeysBundle(data.subarray(0, data.length - 1), secret)).code).toBe('BUNDLE_TAMPERED');
    expect(caughtCustosError(() => openAcraKeysBundle(data, secret.subarray(0, 31))).code).toBe('ACCESS_KEYS_MALFORMED');
  });

  it('refuses a sealed payload that is not a gob list of keys', async () => {
    const themis = await wasmThemis();
    const secret = new Uint8Array(randomBytes(32));
    const data = themis.SecureCellSeal.withKey(secret).encrypt(new TextEncoder().encode('{"keys": []}'));
    expect(caughtCustosError(() => openAcraKeysBundle(data, secret)).code).toBe('BUNDLE_MALFORMED');
  });
});
