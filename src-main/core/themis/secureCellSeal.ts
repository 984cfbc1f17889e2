import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Themis Secure Cell in Seal mode with a symmetric key, byte for byte as
 * Themis writes it (src/themis/sym_enc_message.c), which is how Acra seals
 * the private and symmetric keys of its keystore under ACRA_MASTER_KEY.
 *
 *   output = auth token ‖ ciphertext
 *   token  = LE32 alg (0x40010100: AES-256-GCM, Soter KDF) ‖ LE32 12 ‖
 *            LE32 16 ‖ LE32 message length ‖ IV (12) ‖ GCM tag (16)
 *   key    = Soter KDF (RFC 6189 ZRTP KDF without its length field):
 *            HMAC-SHA256(master key, 00000001 ‖ "Themis secure cell message key"
 *            ‖ 00 ‖ LE32 message length ‖ context), first 32 bytes
 *   AAD    = the context
 *
 * Themis runs the KDF whatever the master key's length, 32 bytes included.
 */
const ALG = 0x40010100;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = 16 + IV_BYTES + TAG_BYTES;
const KDF_LABEL = Buffer.from('Themis secure cell message key', 'latin1');

function messageKey(masterKey: Uint8Array, length: number, context: Uint8Array): Buffer {
  const lengthLe = Buffer.alloc(4);
  lengthLe.writeUInt32LE(length);
  return createHmac('sha256', masterKey).update(Buffer.from([0, 0, 0, 1])).update(KDF_LABEL).update(Buffer.from([0])).update(lengthLe).update(context).digest();
}

function checkInputs(masterKey: Uint8Array, data: Uint8Array): void {
  // Themis refuses an empty key and an empty message alike.
  if (masterKey.length === 0) throw new RangeError('Secure Cell needs a non-empty key');
  if (data.length === 0) throw new RangeError('Secure Cell cannot seal an empty message');
}

/** Seals `plaintext` under `masterKey` with `context` (may be empty); 44 bytes longer than the plaintext. */
export function sealWithKey(masterKey: Uint8Array, plaintext: Uint8Array, context: Uint8Array, iv: Uint8Array = randomBytes(IV_BYTES)): Uint8Array {
  checkInputs(masterKey, plaintext);
  if (iv.length !== IV_BYTES) throw new RangeError('Secure Cell IV is 12 bytes');
  const key = messageKey(masterKey, plaintext.length, context);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (context.length > 0) cipher.setAAD(context);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(ALG, 0);
  header.writeUInt32LE(IV_BYTES, 4);
  header.writeUInt32LE(TAG_BYTES, 8);
  header.writeUInt32LE(plaintext.length, 12);
  return new Uint8Array(Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]));
}

/**
 * Opens what sealWithKey (or Themis) sealed. Returns null, does not throw,
 * when the bytes are not a Seal-mode cell of this kind, are truncated or
 * extended, or the key or context is wrong: the cases are not told apart,
 * as Themis does not tell them apart either. The caller wipes the result.
 */
export function openWithKey(masterKey: Uint8Array, sealed: Uint8Array, context: Uint8Array): Uint8Array | null {
  if (masterKey.length === 0 || sealed.length <= SEAL_OVERHEAD) return null;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.readUInt32LE(0) !== ALG || bytes.readUInt32LE(4) !== IV_BYTES || bytes.readUInt32LE(8) !== TAG_BYTES) return null;
  const length = bytes.readUInt32LE(12);
  if (length !== bytes.length - SEAL_OVERHEAD) return null;
  const iv = bytes.subarray(16, 16 + IV_BYTES);
  const tag = bytes.subarray(16 + IV_BYTES, SEAL_OVERHEAD);
  const key = messageKey(masterKey, length, context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    if (context.length > 0) decipher.setAAD(context);
    decipher.setAuthTag(tag);
    const plain = decipher.update(bytes.subarray(SEAL_OVERHEAD));
    try {
      decipher.final();
    } catch {
      plain.fill(0);
      return null;
    }
    const out = new Uint8Array(plain);
    plain.fill(0);
    return out;
  } finally {
    key.fill(0);
  }
}
