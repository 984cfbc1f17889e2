import { CustosError } from '../../../shared/errors.js';
import { KEY_ALGORITHMS, KEY_PURPOSES, type KeyAlgorithm, type KeyPurpose, type KeyState } from '../../../shared/keys.js';
import type { PortableKey, PortableVersion } from '../keystore/importer.js';

/**
 * Key records inside the decrypted payload: length-prefixed binary, one
 * record per key with all its versions. Codes for states are fixed here,
 * not taken from the order of a shared list, so the format cannot drift.
 */
export const RECORD_KEY = 0x01;
const STATE_CODES: Record<KeyState, number> = { active: 1, rotated: 2, disabled: 3, destroyed: 4 };
const STATES_BY_CODE = new Map(Object.entries(STATE_CODES).map(([state, code]) => [code, state as KeyState]));
/** Far above any real record (a key with thousands of versions); bounds what a reader buffers. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** A growable byte buffer the writer encodes records into. */
export class Staging {
  buf: Buffer;
  length = 0;
  constructor(capacity: number) {
    this.buf = Buffer.alloc(capacity);
  }
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf.fill(0);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.length = this.buf.writeUInt8(v, this.length);
  }
  u16(v: number): void {
    this.ensure(2);
    this.length = this.buf.writeUInt16BE(v, this.length);
  }
  u32(v: number): void {
    this.ensure(4);
    this.length = this.buf.writeUInt32BE(v, this.length);
  }
  bytes8(b: Uint8Array | null): void {
    this.u8(b ? b.length : 0);
    if (!b) return;
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string, wide = false): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > (wide ? 0xffff : 0xff)) throw new RangeError(`string too long for the bundle format: ${n} bytes`);
    if (wide) this.u16(n);
    else this.u8(n);
    this.ensure(n);
    this.length += this.buf.write(s, this.length, 'utf8');
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  optStr(s: string | null): void {
    this.u8(s === null ? 0 : 1);
    if (s !== null) this.str(s, true);
  }
  /** Drops the first n bytes (already sealed into a chunk), zeroing what moved. */
  shift(n: number): void {
    this.buf.copy(this.buf, 0, n, this.length);
    this.buf.fill(0, this.length - n, this.length);
    this.length -= n;
  }
}

export function encodeKey(out: Staging, key: PortableKey): void {
  const start = out.length;
  out.u32(0);
  out.u8(RECORD_KEY);
  out.str(key.name, true);
  out.optStr(key.clientId);
  out.optStr(key.zoneId);
  out.str(key.purpose);
  out.str(key.algorithm);
  out.u32(key.currentVersion);
  out.str(key.createdAt);
  out.u16(key.versions.length);
  for (const v of key.versions) {
    out.u32(v.version);
    out.u8(STATE_CODES[v.state]);
    out.bytes8(v.publicKey);
    out.bytes8(v.secret);
    out.str(v.fingerprint);
    out.str(v.createdAt);
    out.str(v.changedAt);
  }
  out.buf.writeUInt32BE(out.length - start - 4, start);
}

const malformed = (why: string) => new CustosError('BUNDLE_MALFORMED', `a key record inside the bundle is malformed: ${why}`);

/** Reads one record body; every read is bounds-checked against the record's own length. */
export class Cursor {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
    private readonly fail: (why: string) => CustosError = malformed,
  ) {}
  private take(n: number): number {
    if (this.pos + n > this.end) throw this.fail('it ends early');
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number {
    return this.buf[this.take(1)] ?? 0;
  }
  u16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }
  u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }
  str(wide = false): string {
    const n = wide ? this.u16() : this.u8();
    const at = this.take(n);
    return this.buf.toString('utf8', at, at + n);
  }
  optStr(): string | null {
    return this.u8() === 0 ? null : this.str(true);
  }
  /** A copy, or (for secrets) a view that must be used before the chunk is wiped. */
  bytes8(copy: boolean): Uint8Array | null {
    const n = this.u8();
    if (n === 0) return null;
    const at = this.take(n);
    return copy ? new Uint8Array(this.buf.subarray(at, at + n)) : new Uint8Array(this.buf.buffer, this.buf.byteOffset + at, n);
  }
  /** The rest of the record, copied. */
  rest(): Uint8Array {
    const at = this.take(this.end - this.pos);
    return new Uint8Array(this.buf.subarray(at, this.end));
  }
  done(): void {
    if (this.pos !== this.end) throw this.fail('it has bytes after its last field');
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw malformed(`unknown ${what} '${value}'`);
  return value as T;
}

/** Decodes the record body in `buf[start, end)`. The returned secrets are views into `buf`. */
export function decodeKey(buf: Buffer, start: number, end: number): PortableKey {
  const c = new Cursor(buf, start, end);
  if (c.u8() !== RECORD_KEY) throw malformed('unknown record type');
  const name = c.str(true);
  const clientId = c.optStr();
  const zoneId = c.optStr();
  const purpose: KeyPurpose = oneOf(c.str(), KEY_PURPOSES, 'purpose');
  const algorithm: KeyAlgorithm = oneOf(c.str(), KEY_ALGORITHMS, 'algorithm');
  const currentVersion = c.u32();
  const createdAt = c.str();
  const count = c.u16();
  const versions: PortableVersion[] = [];
  for (let i = 0; i < count; i++) {
    const version = c.u32();
    const state = STATES_BY_CODE.get(c.u8());
    if (!state) throw malformed(`unknown state in '${name}'`);
    versions.push({ version, state, publicKey: c.bytes8(true), secret: c.bytes8(false), fingerprint: c.str(), createdAt: c.str(), changedAt: c.str() });
  }
  c.done();
  return { name, clientId, zoneId, purpose, algorithm, currentVersion, createdAt, versions };
}
