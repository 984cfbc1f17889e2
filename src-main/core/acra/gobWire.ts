/**
 * The byte-level pieces of Go's `encoding/gob` (https://pkg.go.dev/encoding/gob):
 * its unsigned and signed integers, and the length-delimited messages a
 * stream is made of. Only what Acra's key bundles need (gobKeys.ts); errors
 * are CustosError BUNDLE_MALFORMED and never quote the bytes (they may be key material).
 */
import { CustosError } from '../../../shared/errors.js';

export function gobMalformed(what: string): CustosError {
  return new CustosError('BUNDLE_MALFORMED', `the acra-keys bundle is not a gob list of keys: ${what}`);
}

/** Appends gob integers and byte strings to a growing buffer. */
export class GobWriter {
  private buffer = new Uint8Array(256);
  private used = 0;

  private room(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.used + extra));
    bigger.set(this.buffer.subarray(0, this.used));
    this.buffer.fill(0); // it may have held key material
    this.buffer = bigger;
  }

  /** A uint below 128 is one byte; otherwise the negated byte count, then the big-endian bytes. */
  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('gob uint out of range');
    if (value < 0x80) return this.raw(value);
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return this.raw(256 - bytes.length, ...bytes);
  }

  /** An int is a uint with the sign in the low bit: n<<1 for n ≥ 0, (^n<<1)|1 for n < 0. */
  int(value: number): this {
    return this.uint(value < 0 ? (-value - 1) * 2 + 1 : value * 2);
  }

  bytes(value: Uint8Array): this {
    this.uint(value.length);
    this.room(value.length);
    this.buffer.set(value, this.used);
    this.used += value.length;
    return this;
  }

  string(value: string): this {
    return this.bytes(new TextEncoder().encode(value));
  }

  raw(...values: number[]): this {
    this.room(values.length);
    for (const v of values) this.buffer[this.used++] = v;
    return this;
  }

  get length(): number {
    return this.used;
  }

  /** The bytes written, as a copy; `wipe` clears the writer's own buffer. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }

  wipe(): void {
    this.buffer.fill(0);
    this.used = 0;
  }
}

/** Reads gob integers from one message; every read is bounds-checked. */
export class GobReader {
  private offset = 0;

  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.data.length;
  }

  get position(): number {
    return this.offset;
  }

  private byte(): number {
    const b = this.data[this.offset];
    if (b === undefined) throw gobMalformed('it ends in the middle of a value');
    this.offset += 1;
    return b;
  }

  uint(): number {
    const first = this.byte();
    if (first < 0x80) return first;
    const count = 256 - first;
    // Go refuses more than 8 bytes; past 6 a JavaScript number loses precision, and no length or id here needs that many.
    if (count > 6) throw gobMalformed('an integer is too large');
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 256 + this.byte();
    return value;
  }

  int(): number {
    const u = this.uint();
    const half = Math.floor(u / 2);
    return u % 2 === 1 ? -half - 1 : half;
  }

  bytes(): Uint8Array {
    const length = this.uint();
    if (length > this.data.length - this.offset) throw gobMalformed('a byte string runs past the end of its message');
    const value = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes());
    } catch (error) {
      if (error instanceof CustosError) throw error;
      throw gobMalformed('a string is not UTF-8');
    }
  }
}

/** Splits a stream into its messages: each is uint(length) then that many bytes. */
export function splitMessages(stream: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < stream.length) {
    const head = new GobReader(stream.subarray(offset));
    const length = head.uint();
    const start = offset + head.position;
    if (length === 0 || length > stream.length - start) throw gobMalformed(length === 0 ? 'an empty message' : 'a message runs past the end of the stream');
    messages.push(stream.subarray(start, start + length));
    offset = start + length;
  }
  return messages;
}

export function delimit(message: Uint8Array): Uint8Array {
  const head = new GobWriter().uint(message.length).toBytes();
  const out = new Uint8Array(head.length + message.length);
  out.set(head);
  out.set(message, head.length);
  return out;
}
