import { z } from 'zod';
import { CustosError } from '../../../../shared/errors.js';
import { decodeBase64Strict, encodeBase64, encodeFields, wipe } from '../../crypto/bytes.js';
import { MASTER_KEY_BYTES } from '../../masterkey/masterKey.js';
import type { MasterKeyWrapper } from '../types.js';
import { checkVaultPath, type VaultConnection } from './connect.js';
import { malformed } from './errors.js';

export interface TransitKey {
  /** Where the transit engine is mounted; default "transit". */
  mount?: string;
  /** The transit key's name. It should be an AEAD type (aes256-gcm96, the default) for the context to be bound. */
  name: string;
}

/** Vault's ciphertext: "vault:v<key version>:" then base64 (for AES-GCM keys: nonce ‖ ciphertext ‖ tag). */
const CIPHERTEXT = /^vault:v[1-9][0-9]*:[A-Za-z0-9+/]+={0,2}$/;
const Encrypted = z.object({ data: z.object({ ciphertext: z.string() }) });
const Decrypted = z.object({ data: z.object({ plaintext: z.string() }) });

/**
 * The context is sent as `associated_data` (Vault ≥ 1.13, AEAD key types), so
 * Vault authenticates it with the ciphertext: a wrapped key copied to another
 * keystore does not decrypt there.
 */
function associatedData(context: Uint8Array): string {
  return encodeBase64(encodeFields(['custos/unlock/vault-transit/v1', context]));
}

function paths(key: TransitKey): { encrypt: string; decrypt: string; mount: string } {
  const mount = checkVaultPath(key.mount ?? 'transit', 'the transit mount');
  const name = checkVaultPath(key.name, 'the transit key name');
  if (name.includes('/')) throw new CustosError('INVALID_ARGUMENT', 'a transit key name has no "/"');
  return { encrypt: `${mount}/encrypt/${name}`, decrypt: `${mount}/decrypt/${name}`, mount };
}

/** Wraps the master key with transit encrypt; the key never leaves Vault. Returns Vault's "vault:vN:..." string. */
export async function transitWrap(vault: VaultConnection, key: TransitKey, masterKey: Uint8Array, context: Uint8Array): Promise<string> {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new CustosError('MASTER_KEY_MALFORMED', 'a master key is exactly 32 bytes');
  const answer = await vault.write(paths(key).encrypt, { plaintext: encodeBase64(masterKey), associated_data: associatedData(context) }, 'transit-encrypt');
  const parsed = Encrypted.safeParse(answer);
  if (!parsed.success || !CIPHERTEXT.test(parsed.data.data.ciphertext)) throw malformed('transit-encrypt', vault.endpoint, 'transit encrypt did not return a vault:vN: ciphertext');
  return parsed.data.data.ciphertext;
}

/** Transit decrypt → exactly 32 bytes. Wrong key, wrong context or a changed ciphertext → VAULT_UNWRAP_FAILED. */
export async function transitUnwrap(vault: VaultConnection, key: TransitKey, ciphertext: string, context: Uint8Array): Promise<Uint8Array> {
  if (!CIPHERTEXT.test(ciphertext)) throw new CustosError('VAULT_UNWRAP_FAILED', 'the stored value is not a Vault transit ciphertext (vault:vN:...)');
  const answer = await vault.write(paths(key).decrypt, { ciphertext, associated_data: associatedData(context) }, 'transit-decrypt');
  const parsed = Decrypted.safeParse(answer);
  if (!parsed.success) throw malformed('transit-decrypt', vault.endpoint, 'transit decrypt returned no plaintext');
  const bytes = decodeBase64Strict(parsed.data.data.plaintext);
  if (!bytes) throw malformed('transit-decrypt', vault.endpoint, 'transit decrypt returned a plaintext that is not base64');
  if (bytes.length !== MASTER_KEY_BYTES) {
    const length = bytes.length;
    wipe(bytes);
    throw malformed('transit-decrypt', vault.endpoint, `transit decrypt returned ${length} bytes; a master key is ${MASTER_KEY_BYTES}`);
  }
  return bytes;
}

export function transitWrapper(vault: VaultConnection, key: TransitKey): MasterKeyWrapper<string> {
  const { mount } = paths(key);
  return {
    describe: () => ({ kind: 'vault-transit', endpoint: vault.endpoint, mount, keyName: key.name }),
    wrap: (masterKey, context) => transitWrap(vault, key, masterKey, context),
    unwrap: (ciphertext, context) => transitUnwrap(vault, key, ciphertext, context),
  };
}
