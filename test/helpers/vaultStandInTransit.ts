/**
 * Transit encrypt/decrypt for the Vault stand-in (see vaultStandIn.ts): real
 * AES-256-GCM with a 12-byte random nonce, `associated_data` as the GCM AAD,
 * ciphertext "vault:v1:" + base64(nonce ‖ ciphertext ‖ tag) as Vault writes
 * it for aes256-gcm96 keys. Keys are created on first encrypt, as Vault's
 * transit upserts them. Errors are Vault's 400 messages.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

type Result = [200, Record<string, unknown>] | [400, string];

function base64(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  return Buffer.from(value, 'base64');
}

export function runTransit(keys: Map<string, Buffer>, op: 'encrypt' | 'decrypt', name: string, body: unknown): Result {
  const request = (body ?? {}) as { plaintext?: unknown; ciphertext?: unknown; associated_data?: unknown };
  const aad = request.associated_data === undefined ? Buffer.alloc(0) : base64(request.associated_data);
  if (!aad) return [400, 'failed to base64-decode associated_data'];
  if (op === 'encrypt') {
    const plaintext = base64(request.plaintext);
    if (!plaintext) return [400, 'failed to base64-decode plaintext'];
    let key = keys.get(name);
    if (!key) {
      key = randomBytes(32);
      keys.set(name, key);
    }
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
    const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return [200, { ciphertext: `vault:v1:${sealed.toString('base64')}`, key_version: 1 }];
  }
  const key = keys.get(name);
  if (!key) return [400, 'encryption key not found'];
  if (typeof request.ciphertext !== 'string' || !request.ciphertext.startsWith('vault:v1:')) return [400, 'invalid ciphertext: no prefix'];
  const sealed = base64(request.ciphertext.slice('vault:v1:'.length));
  if (!sealed || sealed.length < 28) return [400, 'invalid ciphertext: could not decode'];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    return [200, { plaintext: plain.toString('base64') }];
  } catch {
    return [400, 'cipher: message authentication failed'];
  }
}
