import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../shared/errors.js';
import { encodeAccessKeys, readAccessKeysFile } from '../../../src-main/core/bundle/accessKeys.js';
import { signedMessage } from '../../../src-main/core/bundle/crypto.js';
import { HEADER_BYTES } from '../../../src-main/core/bundle/header.js';
import { importBundle } from '../../../src-main/core/bundle/import.js';
import { BundleReader } from '../../../src-main/core/bundle/reader.js';
import { validatePortableKey } from '../../../src-main/core/bundle/validate.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { makeVault, type TestVault } from '../../helpers/keystore.js';
import { chunkSpans, craftBundle, readPortable, resignedSecrets, swapChunks } from './craft.js';
import { expectCode, exportFrom, fileState, importInto, listAll, sourceVault, withOpen, type Exported } from './helpers.js';

let exported: Exported;
let bytes: Buffer;
let target: TestVault;
let mutations = 0;

beforeEach(async () => {
  // Small chunks, so there are several to reorder and cut between.
  exported = await exportFrom(await sourceVault(), { chunkBytes: 1024 });
  bytes = readFileSync(exported.bundle);
  target = await makeVault();
  // Not empty: a partial import would show.
  await withOpen(target, (ks) => ks.generate([{ scope: 'client', clientId: 'gamma-svc' }]));
});

/** Imports `content` as a bundle; it must fail with one of `codes` and leave the target's bytes as they were. */
async function rejected(content: Uint8Array, codes: ErrorCode[], accessKeys = exported.accessKeys): Promise<string> {
  const path = join(exported.dir, `mutated-${mutations++}.bundle`);
  writeFileSync(path, content);
  const before = fileState(target.path);
  const error = await expectCode(() => importInto(target, path, accessKeys), ...codes);
  expect(fileState(target.path)).toEqual(before);
  return error.message;
}

function flipped(at: number, mask = 0x01): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ mask;
  return copy;
}

describe('the bundle itself', () => {
  it('is multi-chunk in these tests, and imports cleanly unmodified', async () => {
    expect(chunkSpans(bytes).length).toBeGreaterThan(3);
    await importInto(target, exported.bundle, exported.accessKeys);
    expect((await listAll(target)).length).toBe(21 + 6);
  });

  it.each([
    ['the magic', 0, ['BUNDLE_MALFORMED']],
    ['the header length', 11, ['BUNDLE_MALFORMED']],
    ['the flags (private keys)', 15, ['BUNDLE_TAMPERED']],
    ['the bundle id', 20, ['ACCESS_KEYS_MISMATCH']],
    ['the creation time', 38, ['BUNDLE_TAMPERED']],
    ['the key count', 43, ['BUNDLE_TAMPERED']],
    ['the chunk size', 50, ['BUNDLE_MALFORMED', 'BUNDLE_TAMPERED']],
    ['the source vault fingerprint', 54, ['BUNDLE_TAMPERED']],
    ['the zero padding after the source vault fingerprint', 60, ['BUNDLE_MALFORMED']],
    ['the pair fingerprint', 70, ['BUNDLE_TAMPERED']],
    ['the verify-key hash', 90, ['BUNDLE_TAMPERED']],
    ['the key commitment', 120, ['ACCESS_KEYS_MISMATCH']],
  ] as Array<[string, number, ErrorCode[]]>)('a flipped byte in %s is refused', async (_what, at, codes) => {
    await rejected(flipped(at), codes);
  });

  it('a flipped byte in a chunk frame, a ciphertext, a tag or the signature is BUNDLE_TAMPERED', async () => {
    const spans = chunkSpans(bytes);
    const [first, middle, last] = [spans[0]!, spans[2]!, spans.at(-1)!];
    await rejected(flipped(first.start), ['BUNDLE_TAMPERED']); // more → last flag
    await rejected(flipped(first.start + 4), ['BUNDLE_TAMPERED']); // length
    await rejected(flipped(first.start + 40), ['BUNDLE_TAMPERED']);
    await rejected(flipped(middle.end - 1, 0x80), ['BUNDLE_TAMPERED']); // tag
    expect(await rejected(flipped(last.end - 30), ['BUNDLE_TAMPERED'])).toContain(`chunk ${spans.length - 1}`);
    expect(await rejected(flipped(bytes.length - 1), ['BUNDLE_TAMPERED'])).toContain('signature');
  });

  it('swapped, dropped or repeated chunks are BUNDLE_TAMPERED', async () => {
    await rejected(swapChunks(bytes, 0, 1), ['BUNDLE_TAMPERED']);
    await rejected(swapChunks(bytes, 1, 3), ['BUNDLE_TAMPERED']);
    const [a, b] = [chunkSpans(bytes)[1]!, chunkSpans(bytes)[2]!];
    await rejected(Buffer.concat([bytes.subarray(0, a.start), bytes.subarray(b.start)]), ['BUNDLE_TAMPERED']);
    await rejected(Buffer.concat([bytes.subarray(0, b.start), bytes.subarray(a.start)]), ['BUNDLE_TAMPERED']);
  });

  it('a truncated bundle is BUNDLE_TRUNCATED wherever it is cut', async () => {
    const spans = chunkSpans(bytes);
    const cuts = [0, 3, 9, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 2, spans[1]!.start, spans[1]!.start + 100, spans.at(-1)!.end, bytes.length - 10, bytes.length - 1];
    for (const cut of cuts) expect(await rejected(bytes.subarray(0, cut), ['BUNDLE_TRUNCATED'])).toMatch(/ends/);
  });

  it('bytes appended after the signature are BUNDLE_TAMPERED', async () => {
    await rejected(Buffer.concat([bytes, Buffer.from([0])]), ['BUNDLE_TAMPERED']);
  });

  it('an unknown format version is BUNDLE_VERSION, for the bundle and for the access keys', async () => {
    const newer = Buffer.from(bytes);
    newer.writeUInt16BE(3, 8);
    expect(await rejected(newer, ['BUNDLE_VERSION'])).toContain('v3');
    const keys = JSON.parse(readFileSync(exported.accessKeys, 'utf8')) as Record<string, unknown>;
    const path = join(exported.dir, 'v2.access.json');
    writeFileSync(path, JSON.stringify({ ...keys, version: 2 }));
    await rejected(bytes, ['BUNDLE_VERSION'], path);
  });

  it('something that is not a bundle is BUNDLE_MALFORMED, and a missing file BUNDLE_IO', async () => {
    expect(await rejected(readFileSync(exported.accessKeys), ['BUNDLE_MALFORMED'])).toContain('swapped');
    await rejected(Buffer.from('SQLite format 3\0'), ['BUNDLE_MALFORMED']);
    await expectCode(() => importInto(target, join(exported.dir, 'missing.bundle'), exported.accessKeys), 'BUNDLE_IO');
  });
});

describe('access keys', () => {
  it('access keys from another export of the same keystore are ACCESS_KEYS_MISMATCH', async () => {
    const other = await exportFrom(await sourceVault());
    const message = await rejected(bytes, ['ACCESS_KEYS_MISMATCH'], other.accessKeys);
    expect(message).toContain(other.pairFingerprint);
    expect(message).toContain(exported.pairFingerprint);
  });

  it('access keys whose encryption key was swapped for another are ACCESS_KEYS_MISMATCH', async () => {
    const keys = readAccessKeysFile(exported.accessKeys);
    const path = join(exported.dir, 'swapped.access.json');
    writeFileSync(path, encodeAccessKeys({ ...keys, encryptionKey: readAccessKeysFile((await exportFrom(await sourceVault())).accessKeys).encryptionKey }));
    expect(await rejected(bytes, ['ACCESS_KEYS_MISMATCH'], path)).toContain('encryption key');
  });

  it('edited or damaged access keys are ACCESS_KEYS_MALFORMED (their pair fingerprint no longer matches)', async () => {
    const text = readFileSync(exported.accessKeys, 'utf8');
    const keys = JSON.parse(text) as Record<string, string>;
    const write = (name: string, content: string) => {
      const path = join(exported.dir, name);
      writeFileSync(path, content);
      return path;
    };
    const otherVerifyKey = JSON.parse(readFileSync((await exportFrom(await sourceVault())).accessKeys, 'utf8')) as Record<string, string>;
    await rejected(bytes, ['ACCESS_KEYS_MALFORMED'], write('a.json', JSON.stringify({ ...keys, verifyKey: otherVerifyKey['verifyKey'] })));
    await rejected(bytes, ['ACCESS_KEYS_MALFORMED'], write('b.json', text.slice(0, 100)));
    await rejected(bytes, ['ACCESS_KEYS_MALFORMED'], write('c.json', JSON.stringify({ ...keys, encryptionKey: 'AAAA' })));
    await rejected(bytes, ['ACCESS_KEYS_MALFORMED'], write('d.json', JSON.stringify({ ...keys, type: 'acra-keys' })));
    await rejected(bytes, ['ACCESS_KEYS_MALFORMED'], exported.bundle);
  });
});

describe('signatures', () => {
  it('a signature by another key over the same content is BUNDLE_TAMPERED', async () => {
    const other = resignedSecrets(readAccessKeysFile(exported.accessKeys));
    const chunks = chunkSpans(bytes);
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const payloadHash = sha256(bytes.subarray(HEADER_BYTES, chunks.at(-1)!.end));
    const forged = sign(null, signedMessage(bytes.subarray(0, HEADER_BYTES), chunks.length, payloadHash), other.signing.signingKey);
    expect(await rejected(Buffer.concat([bytes.subarray(0, bytes.length - 64), forged]), ['BUNDLE_TAMPERED'])).toContain('signature');
  });

  it('a bundle rebuilt and re-signed by someone holding the access keys (new signing key) is BUNDLE_TAMPERED', async () => {
    const keys = readPortable(exported.bundle, exported.accessKeys);
    keys[0]!.versions[0]!.state = 'disabled';
    const resigned = craftBundle(exported.dir, keys, { secrets: resignedSecrets(readAccessKeysFile(exported.accessKeys)) });
    expect(await rejected(readFileSync(resigned.bundle), ['BUNDLE_TAMPERED'])).toMatch(/re-signed/);
  });
});

describe('content that is signed but wrong', () => {
  it('a key whose material does not match its fingerprint is BUNDLE_FINGERPRINT', async () => {
    const keys = readPortable(exported.bundle, exported.accessKeys);
    const sym = keys.find((k) => k.algorithm === 'sym256')!;
    const flip = (bytes: Uint8Array | null, at: number) => bytes?.set([(bytes[at] ?? 0) ^ 1], at);
    flip(sym.versions[0]!.secret, 0);
    const crafted = craftBundle(exported.dir, keys);
    expect(await rejected(readFileSync(crafted.bundle), ['BUNDLE_FINGERPRINT'], crafted.accessKeys)).toContain(sym.name);
    const x = keys.find((k) => k.algorithm !== 'sym256')!;
    flip(sym.versions[0]!.secret, 0);
    flip(x.versions[0]!.publicKey, 5);
    const crafted2 = craftBundle(exported.dir, keys, { name: 'two' });
    expect(await rejected(readFileSync(crafted2.bundle), ['BUNDLE_FINGERPRINT'], crafted2.accessKeys)).toContain(x.name);
  });

  it('a key listed twice, or a name that does not follow its purpose, is BUNDLE_MALFORMED', async () => {
    const keys = readPortable(exported.bundle, exported.accessKeys);
    const twice = craftBundle(exported.dir, [...keys, keys[3]!], { name: 'twice' });
    expect(await rejected(readFileSync(twice.bundle), ['BUNDLE_MALFORMED'], twice.accessKeys)).toContain('twice');
    const renamed = craftBundle(exported.dir, [{ ...keys[0]!, name: 'poison_key_renamed' }], { name: 'renamed' });
    await rejected(readFileSync(renamed.bundle), ['BUNDLE_MALFORMED'], renamed.accessKeys);
    const storage = keys.find((k) => k.purpose === 'storage')!;
    const badId = craftBundle(exported.dir, [{ ...storage, clientId: 'a b', name: 'a b_storage' }], { name: 'bad-id' });
    expect(await rejected(readFileSync(badId.bundle), ['BUNDLE_MALFORMED'], badId.accessKeys)).toContain('client id');
  });

  it('a secret inside a bundle marked public-only is refused: the writer will not write it, the reader will not accept it', async () => {
    const keys = readPortable(exported.bundle, exported.accessKeys);
    expect(() => craftBundle(exported.dir, keys, { name: 'flags', privateKeys: false })).toThrow(RangeError);
    const withSecret = keys.find((k) => k.versions[0]?.secret)!;
    await expectCode(() => validatePortableKey(withSecret, false), 'BUNDLE_MALFORMED');
    const content = readFileSync(exported.bundle);
    content[15] = 0; // clear the private-keys flag of a real bundle: the header no longer matches its chunks
    await rejected(content, ['BUNDLE_TAMPERED']);
  });
});

describe('the target keystore', () => {
  it('a wrong master key is WRONG_MASTER_KEY and nothing is touched', async () => {
    const before = fileState(target.path);
    await expectCode(() => openKeystore(target.path, { kind: 'master-key', masterKey: generateMasterKey() }), 'WRONG_MASTER_KEY');
    expect(fileState(target.path)).toEqual(before);
  });

  it('a locked (closed) keystore is KEYSTORE_LOCKED and nothing is written', async () => {
    const before = fileState(target.path);
    const ks = await target.open();
    ks.close();
    const reader = new BundleReader(exported.bundle);
    try {
      await expectCode(() => importBundle(ks, reader, readAccessKeysFile(exported.accessKeys)), 'KEYSTORE_LOCKED');
    } finally {
      reader.close();
    }
    expect(fileState(target.path)).toEqual(before);
  });
});
