/**
 * The payload of an acra-keys (keystore v1) export: Go's gob encoding of
 * `[]*keystore.Key`, where `type Key struct { Name string; Content []byte }`
 * (acra keystore/keystore.go, keystore/filesystem/filesystem_backup.go).
 * Name is the file's path relative to the keys folder; Content the
 * decrypted key (or the public key as it is stored).
 */
import { delimit, gobMalformed, GobWriter } from './gobWire.js';
import { decodeGob, GOB_ID, type GobValue } from './gobTypes.js';

export interface AcraKeyEntry {
  name: string;
  content: Uint8Array;
}

/**
 * The ids a fresh Go process gives these types: building `[]*Key` makes the
 * struct first (65: newStructType sets its id at once), then the slice (66).
 * Go's encoder sends the slice's definition, then the struct's, then the value.
 */
const STRUCT_ID = 65;
const SLICE_ID = 66;

function message(build: (w: GobWriter) => void): Uint8Array {
  const w = new GobWriter();
  build(w);
  const body = w.toBytes();
  w.wipe();
  const out = delimit(body);
  body.fill(0);
  return out;
}

/** The bytes Go's `gob.NewEncoder(buf).Encode(keys)` writes for a `[]*keystore.Key`. */
export function encodeAcraKeyList(entries: readonly AcraKeyEntry[]): Uint8Array {
  const sliceDef = message((w) =>
    // wireType{SliceT (field 1): sliceType{CommonType{Name "" omitted, Id}, Elem}}
    w.int(-SLICE_ID).uint(2).uint(1).uint(2).int(SLICE_ID).uint(0).uint(1).int(STRUCT_ID).uint(0).uint(0),
  );
  const structDef = message((w) => {
    // wireType{StructT (field 2): structType{CommonType{Id}, Field: [{Name, Id}...]}}
    w.int(-STRUCT_ID).uint(3).uint(1).uint(2).int(STRUCT_ID).uint(0);
    w.uint(1).uint(2);
    w.uint(1).string('Name').uint(1).int(GOB_ID.string).uint(0);
    w.uint(1).string('Content').uint(1).int(GOB_ID.bytes).uint(0);
    w.uint(0).uint(0);
  });
  const value = message((w) => {
    w.int(SLICE_ID).uint(0).uint(entries.length);
    for (const entry of entries) {
      // Zero values are left out: a field is written only when it is not empty.
      let field = -1;
      if (entry.name.length > 0) {
        w.uint(0 - field).string(entry.name);
        field = 0;
      }
      if (entry.content.length > 0) w.uint(1 - field).bytes(entry.content);
      w.uint(0);
    }
  });
  const out = new Uint8Array(sliceDef.length + structDef.length + value.length);
  out.set(sliceDef);
  out.set(structDef, sliceDef.length);
  out.set(value, sliceDef.length + structDef.length);
  return out;
}

function isRecord(value: GobValue): value is { [field: string]: GobValue } {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/**
 * Reads a `[]*keystore.Key` (or `[]keystore.Key`) gob stream, whatever type
 * ids and names its encoder used. The element struct must carry Name as a
 * string and Content as bytes; other fields are ignored, as Go's decoder does.
 */
export function decodeAcraKeyList(stream: Uint8Array): AcraKeyEntry[] {
  const { type, value, types } = decodeGob(stream);
  if (typeof type === 'number' || type.kind !== 'slice' || !Array.isArray(value)) throw gobMalformed('the value is not a list');
  const elem = types.get(type.elem);
  if (elem?.kind !== 'struct') throw gobMalformed('the list does not hold structs');
  const fieldType = (name: string) => elem.fields.find((f) => f.name === name)?.id;
  if (fieldType('Name') !== GOB_ID.string || fieldType('Content') !== GOB_ID.bytes) throw gobMalformed('its entries have no Name (string) and Content (bytes)');
  return value.map((item) => {
    if (!isRecord(item)) throw gobMalformed('an entry is not a struct');
    const name = item['Name'] ?? '';
    const content = item['Content'] ?? new Uint8Array(0);
    if (typeof name !== 'string' || !(content instanceof Uint8Array)) throw gobMalformed('an entry has fields of the wrong type');
    return { name, content };
  });
}
