/**
 * A small reader for gob streams: the type definitions a Go encoder sends
 * (wireType), and values of the kinds Acra's bundles can hold (structs,
 * slices, arrays, strings, byte strings, integers, booleans). Maps,
 * interfaces and GobEncoder types are refused: no acra-keys bundle has them.
 * Type ids are read from the stream, never assumed: a Go process numbers its
 * types in the order it first meets them.
 */
import { GobReader, gobMalformed, splitMessages } from './gobWire.js';

/** Go's predefined type ids (encoding/gob type.go). */
export const GOB_ID = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6, complex: 7, interface: 8 } as const;

export type GobType =
  | { kind: 'slice'; name: string; elem: number }
  | { kind: 'array'; name: string; elem: number; len: number }
  | { kind: 'struct'; name: string; fields: Array<{ name: string; id: number }> };

export type GobValue = boolean | number | string | Uint8Array | GobValue[] | { [field: string]: GobValue };

const MAX_DEPTH = 32;

/** A struct is (delta, field)* then 0; `fields[i]` reads field i. Unknown fields are refused. */
function readStruct(r: GobReader, fields: Array<() => void>, what: string): void {
  let index = -1;
  for (;;) {
    const delta = r.uint();
    if (delta === 0) return;
    index += delta;
    const read = fields[index];
    if (!read) throw gobMalformed(`${what} has a field number ${index} it does not define`);
    read();
  }
}

function readCommon(r: GobReader): { name: string; id: number } {
  const common = { name: '', id: 0 };
  readStruct(r, [() => (common.name = r.string()), () => (common.id = r.int())], 'a type name');
  return common;
}

/** One wireType value: exactly one of ArrayT, SliceT, StructT, (MapT and the encoder kinds are refused). */
function readWireType(r: GobReader): GobType & { id: number } {
  let found: (GobType & { id: number }) | null = null;
  const set = (t: GobType & { id: number }) => {
    if (found) throw gobMalformed('a type definition names two kinds');
    found = t;
  };
  const refuse = (kind: string) => () => {
    throw gobMalformed(`it uses a ${kind} type, which no acra-keys bundle has`);
  };
  readStruct(
    r,
    [
      () => {
        const t = { kind: 'array' as const, name: '', id: 0, elem: 0, len: 0 };
        readStruct(r, [() => Object.assign(t, readCommon(r)), () => (t.elem = r.int()), () => (t.len = r.int())], 'an array type');
        set(t);
      },
      () => {
        const t = { kind: 'slice' as const, name: '', id: 0, elem: 0 };
        readStruct(r, [() => Object.assign(t, readCommon(r)), () => (t.elem = r.int())], 'a slice type');
        set(t);
      },
      () => {
        const t = { kind: 'struct' as const, name: '', id: 0, fields: [] as Array<{ name: string; id: number }> };
        const readFields = () => {
          const count = r.uint();
          for (let i = 0; i < count; i++) {
            const field = { name: '', id: 0 };
            readStruct(r, [() => (field.name = r.string()), () => (field.id = r.int())], 'a struct field');
            t.fields.push(field);
          }
        };
        readStruct(r, [() => Object.assign(t, readCommon(r)), readFields], 'a struct type');
        set(t);
      },
      refuse('map'),
      refuse('GobEncoder'),
      refuse('BinaryMarshaler'),
      refuse('TextMarshaler'),
    ],
    'a type definition',
  );
  if (!found) throw gobMalformed('a type definition is empty');
  return found;
}

class ValueReader {
  constructor(
    private readonly r: GobReader,
    private readonly types: Map<number, GobType>,
  ) {}

  read(id: number, depth: number): GobValue {
    if (depth > MAX_DEPTH) throw gobMalformed('values are nested too deeply');
    const r = this.r;
    switch (id) {
      case GOB_ID.bool:
        return r.uint() !== 0;
      case GOB_ID.int:
        return r.int();
      case GOB_ID.uint:
        return r.uint();
      case GOB_ID.bytes:
        return r.bytes();
      case GOB_ID.string:
        return r.string();
    }
    const type = this.types.get(id);
    if (!type) throw gobMalformed(id === GOB_ID.float || id === GOB_ID.complex || id === GOB_ID.interface ? 'it holds a kind of value no acra-keys bundle has' : `type ${id} is used before it is defined`);
    if (type.kind === 'struct') {
      const value: { [field: string]: GobValue } = {};
      readStruct(r, type.fields.map((f) => () => (value[f.name] = this.read(f.id, depth + 1))), `struct ${type.name || '(unnamed)'}`);
      return value;
    }
    const count = r.uint();
    if (type.kind === 'array' && count !== type.len) throw gobMalformed('an array has the wrong length');
    const items: GobValue[] = [];
    for (let i = 0; i < count; i++) {
      // Every element takes at least one byte: a count past the message is a lie, not a reason to allocate.
      if (r.done) throw gobMalformed('a list is longer than its message');
      items.push(this.read(type.elem, depth + 1));
    }
    return items;
  }
}

/**
 * Decodes the one value of a stream written by one Encoder.Encode call: its
 * type definitions, then the value. Anything after the value is refused.
 * Returns the value and the type it was sent as.
 */
export function decodeGob(stream: Uint8Array): { type: GobType | number; value: GobValue; types: ReadonlyMap<number, GobType> } {
  const types = new Map<number, GobType>();
  const messages = splitMessages(stream);
  for (const [index, message] of messages.entries()) {
    const r = new GobReader(message);
    const id = r.int();
    if (id < 0) {
      const { id: defined, ...type } = readWireType(r);
      if (defined !== -id) throw gobMalformed(`type definition ${-id} carries id ${defined}`);
      if (-id <= 64 || types.has(-id)) throw gobMalformed(`type id ${-id} is redefined`);
      types.set(-id, type);
    } else {
      if (index !== messages.length - 1) throw gobMalformed('more than one value');
      const type = types.get(id);
      // A value that is not a struct is sent as a "singleton": field delta 0, then the value.
      if (type?.kind !== 'struct' && r.uint() !== 0) throw gobMalformed('a top-level value does not start with delta 0');
      const value = new ValueReader(r, types).read(id, 0);
      if (!r.done) throw gobMalformed('a value is followed by stray bytes');
      return { type: type ?? id, value, types };
    }
  }
  throw gobMalformed('it holds type definitions and no value');
}
