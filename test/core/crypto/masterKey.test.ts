import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '../../../src-main/core/crypto/bytes.js';
import { encodeMasterKey, generateMasterKey, parseMasterKey, parseMasterKeyFile } from '../../../src-main/core/masterkey/masterKey.js';
import { keyCheckValue, recordWrapKey } from '../../../src-main/core/masterkey/subkeys.js';

describe('master key', () => {
  it('is 32 random bytes that round-trip through base64', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(parseMasterKey(encodeMasterKey(a), 'test')).equals(Buffer.from(a))).toBe(true);
  });

  it('accepts a file of base64 text (with newline) or of 32 raw bytes', () => {
    const key = generateMasterKey();
    expect(Buffer.from(parseMasterKeyFile(Buffer.from(`${encodeMasterKey(key)}\n`), 'f')).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(parseMasterKeyFile(key, 'f')).equals(Buffer.from(key))).toBe(true);
  });

  it('rejects malformed input with MASTER_KEY_MALFORMED, without echoing the value', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    for (const text of ['', 'not base64!!', short, `${encodeMasterKey(generateMasterKey())}AA`]) {
      let caught: unknown;
      try {
        parseMasterKey(text, 'CUSTOS_MASTER_KEY');
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'MASTER_KEY_MALFORMED' });
      if (text.length > 0) expect((caught as Error).message).not.toContain(text);
      expect((caught as Error).message).toContain('CUSTOS_MASTER_KEY');
    }
  });

  it('strict base64 refuses non-canonical encodings', () => {
    expect(decodeBase64Strict('QQ==')).not.toBeNull();
    expect(decodeBase64Strict('QR==')).toBeNull();
    expect(decodeBase64Strict('Q')).toBeNull();
    expect(decodeBase64Strict('QQ==QQ==')).toBeNull();
  });

  it('derives unrelated subkeys, different in every keystore', () => {
    const key = generateMasterKey();
    const id1 = new Uint8Array(16).fill(1);
    const id2 = new Uint8Array(16).fill(2);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const values = [keyCheckValue(key, id1), keyCheckValue(key, id2), recordWrapKey(key, id1), recordWrapKey(key, id2)].map(hex);
    expect(new Set(values).size).toBe(4);
    expect(values).not.toContain(hex(key));
  });
});
