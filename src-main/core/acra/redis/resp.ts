/**
 * RESP2, the Redis wire protocol (https://redis.io/docs/latest/develop/reference/protocol-spec/):
 * commands go out as arrays of bulk strings; replies are simple strings,
 * errors, integers, bulk strings (binary-safe) and arrays. Only RESP2 is
 * spoken (no HELLO 3), which every Redis since 2.0 answers.
 */

export type RespValue = string | number | Uint8Array | null | RespValue[] | RespError;

/** An error reply (`-ERR ...`): a value, not a thrown error, so a pipeline keeps its order. */
export class RespError {
  constructor(readonly message: string) {}
}

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: ReadonlyArray<string | Uint8Array>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Thrown by the parser when the server sends something that is not RESP2. */
export class RespProtocolError extends Error {}

const MAX_BULK = 512 * 1024 * 1024;
const MAX_DEPTH = 8;

/**
 * Incremental reply parser: feed it chunks as they arrive, take whole replies
 * out. A reply cut between two chunks waits for the rest; the parse restarts
 * from the reply's first byte then (replies here are small).
 */
export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next complete reply, or undefined if more bytes are needed. */
  next(): { value: RespValue } | undefined {
    const parsed = this.parse(0, 0);
    if (!parsed) return undefined;
    this.buffer = this.buffer.subarray(parsed.end);
    return { value: parsed.value };
  }

  private line(start: number): { text: string; end: number } | undefined {
    const at = this.buffer.indexOf(CRLF, start);
    if (at < 0) {
      if (this.buffer.length - start > 64 * 1024) throw new RespProtocolError('a reply line is too long');
      return undefined;
    }
    return { text: this.buffer.toString('utf8', start + 1, at), end: at + 2 };
  }

  private integer(text: string): number {
    if (!/^-?\d{1,15}$/.test(text)) throw new RespProtocolError('an integer in a reply is malformed');
    return Number(text);
  }

  private parse(start: number, depth: number): { value: RespValue; end: number } | undefined {
    if (start >= this.buffer.length) return undefined;
    if (depth > MAX_DEPTH) throw new RespProtocolError('a reply is nested too deeply');
    const type = String.fromCharCode(this.buffer[start] ?? 0);
    const line = this.line(start);
    if (!line) return undefined;
    switch (type) {
      case '+':
        return { value: line.text, end: line.end };
      case '-':
        return { value: new RespError(line.text), end: line.end };
      case ':':
        return { value: this.integer(line.text), end: line.end };
      case '$': {
        const length = this.integer(line.text);
        if (length === -1) return { value: null, end: line.end };
        if (length < 0 || length > MAX_BULK) throw new RespProtocolError('a bulk string length is out of range');
        if (this.buffer.length < line.end + length + 2) return undefined;
        if (this.buffer[line.end + length] !== 0x0d || this.buffer[line.end + length + 1] !== 0x0a) throw new RespProtocolError('a bulk string is not followed by CRLF');
        return { value: new Uint8Array(this.buffer.subarray(line.end, line.end + length)), end: line.end + length + 2 };
      }
      case '*': {
        const count = this.integer(line.text);
        if (count === -1) return { value: null, end: line.end };
        if (count < 0) throw new RespProtocolError('an array length is out of range');
        const items: RespValue[] = [];
        let end = line.end;
        for (let i = 0; i < count; i++) {
          const item = this.parse(end, depth + 1);
          if (!item) return undefined;
          items.push(item.value);
          end = item.end;
        }
        return { value: items, end };
      }
      default:
        throw new RespProtocolError(`unknown reply type byte 0x${(this.buffer[start] ?? 0).toString(16)}`);
    }
  }
}
