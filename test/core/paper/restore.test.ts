import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { restoreSecret, type ShareInput } from '../../../src-main/core/paper/restore.js';
import { decodeMnemonic, splitSecret } from '../../../src-main/core/paper/slip39/index.js';

const secret = new Uint8Array(randomBytes(32));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const inputs = (mnemonics: string[], prefix = 'share') => mnemonics.map((text, i): ShareInput => ({ source: `${prefix}-${i + 1}`, text }));
const split35 = () => splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 0 })[0] ?? [];

describe('restoreSecret', () => {
  it('restores from exactly the threshold and from more than it (cross-checking a second subset)', () => {
    const shares = split35();
    expect(hex(restoreSecret(inputs(shares.slice(0, 3))).secret)).toBe(hex(secret));
    const all = restoreSecret(inputs(shares));
    expect(hex(all.secret)).toBe(hex(secret));
    expect(all.used).toHaveLength(3);
    expect(all.notes).toEqual([]);
  });

  it('says how many more shares each group needs', () => {
    const shares = split35();
    expect(() => restoreSecret(inputs(shares.slice(0, 2)))).toThrow(expect.objectContaining({ code: 'SHARES_INSUFFICIENT', message: expect.stringContaining('needs 1 more share') }));
    const groups = splitSecret({ secret, groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 3, count: 4 }, { threshold: 1, count: 1 }], iterationExponent: 0 });
    const some = [groups[0]?.[0] ?? '', groups[1]?.[0] ?? '', groups[1]?.[1] ?? ''];
    let message = '';
    try {
      restoreSecret(inputs(some));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('2 more groups needed (2 of 3)');
    expect(message).toContain('group 1 has 1 of 2 and needs 1 more share');
    expect(message).toContain('group 2 has 2 of 3 and needs 1 more share');
  });

  it('counts a share typed twice once, and says so', () => {
    const shares = split35();
    const given = inputs([shares[0] ?? '', shares[1] ?? '', (shares[0] ?? '').toUpperCase(), shares[2] ?? '']);
    const result = restoreSecret(given);
    expect(hex(result.secret)).toBe(hex(secret));
    expect(result.notes).toEqual(['share-3 is the same share as share-1; it was counted once']);
  });

  it('points out shares of another ceremony instead of silently dropping them', () => {
    const ours = split35();
    const theirs = splitSecret({ secret: new Uint8Array(32).fill(1), groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0 })[0] ?? [];
    const result = restoreSecret([...inputs(ours.slice(0, 3), 'ours'), ...inputs(theirs.slice(0, 1), 'theirs')]);
    expect(hex(result.secret)).toBe(hex(secret));
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toContain('another ceremony');
    expect(result.notes[0]).toContain('theirs-1');
    expect(() => restoreSecret([...inputs(ours.slice(0, 2), 'ours'), ...inputs(theirs.slice(0, 1), 'theirs')])).toThrow(
      expect.objectContaining({ code: 'SHARES_MISMATCH', message: expect.stringContaining('2 different ceremonies') }),
    );
  });

  it('names the file and the position of a misspelled word', () => {
    const shares = split35();
    const words = (shares[1] ?? '').split(' ');
    // Letters appended to a whole word never spell a word or a four-letter prefix of one.
    const typo = `${words[4]}zq`;
    words[4] = typo;
    expect(() => restoreSecret([{ source: 'share-a', text: shares[0] ?? '' }, { source: 'alice.txt', text: words.join(' ') }])).toThrow(
      expect.objectContaining({ code: 'SHARE_WORD_UNKNOWN', message: expect.stringMatching(/^alice\.txt: .*5/) }),
    );
  });

  it('refuses two different shares that claim the same position', () => {
    const a = split35();
    const b = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 0, identifier: decodeMnemonic(a[0] ?? '').identifier })[0] ?? [];
    expect(() => restoreSecret(inputs([a[0] ?? '', b[0] ?? '', a[1] ?? '']))).toThrow(expect.objectContaining({ code: 'SHARE_DUPLICATE' }));
  });
});
