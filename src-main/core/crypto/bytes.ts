import { timingSafeEqual } from 'node:crypto';

const utf8 = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function checkU32(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`u32 out of range: ${value}`);
  }
}

export function u32be(value: number): Uint8Array {
  checkU32(value);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/**
 * Unambiguous encoding of a list of fields: each is a 4-byte big-endian
 * length followed by its bytes, so no two different lists encode the same.
 * Written into one buffer sized up front: it is the associated data of every
 * sealed record, so it runs once per record in bulk work.
 */
export function encodeFields(fields: ReadonlyArray<string | Uint8Array | number>): Uint8Array {
  let size = 0;
  for (const field of fields) {
    if (typeof field === 'number') checkU32(field);
    size += 4 + (typeof field === 'string' ? Buffer.byteLength(field, 'utf8') : typeof field === 'number' ? 4 : field.length);
  }
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const field of fields) {
    if (typeof field === 'string') {
      const n = out.write(field, at + 4, 'utf8');
      out.writeUInt32BE(n, at);
      at += 4 + n;
    } else if (typeof field === 'number') {
      out.writeUInt32BE(4, at);
      out.writeUInt32BE(field, at + 4);
      at += 8;
    } else {
      out.writeUInt32BE(field.length, at);
      out.set(field, at + 4);
      at += 4 + field.length;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, size);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Overwrite a buffer with zeros. JavaScript gives no guarantee that no other
 * copy of the bytes exists (the engine may have moved or copied them); this
 * only shortens how long this copy lives.
 */
export function wipe(...buffers: Array<Uint8Array | null | undefined>): void {
  for (const buffer of buffers) buffer?.fill(0);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64 (standard or url alphabet, padding optional): returns null on anything else. */
export function decodeBase64Strict(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  if (!BASE64.test(trimmed) && !BASE64URL.test(trimmed)) return null;
  const normalized = trimmed.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (normalized.length % 4 === 1) return null;
  const bytes = Buffer.from(normalized, 'base64');
  // Reject non-canonical encodings (stray bits in the last character).
  if (bytes.toString('base64').replace(/=+$/, '') !== normalized) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
