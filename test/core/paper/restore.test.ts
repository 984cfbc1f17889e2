import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { restoreSecret, type ShareInput } from '../../../src-main/core/paper/restore.js';
import { decodeMnemonic, splitSecret } from '../../../src-main/core/paper/slip39/index.js';
import { caughtCustosError } from '../../helpers/errorCode.js';

const secret = new Uint8Array(randomBytes(32));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const inputs = (mnemonics: string[], prefix = 'share') => mnemonics.map((text, i): ShareInput => ({ source: `${prefix}-${i + 1}`, text }));
const caught = caughtCustosError;
const split35 = () => splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 0 })[0] ?? [];

describe('restoreSecret', () => {
  it('restores from exactly the threshold and from more than it, using every share given', () => {
    const shares = split35();
    expect(hex(restoreSecret(inputs(shares.slice(0, 3))).secret)).toBe(hex(secret));
    const all = restoreSecret(inputs(shares));
    expect(hex(all.secret)).toBe(hex(secret));
    expect(all.used).toEqual(['share-1', 'share-2', 'share-3', 'share-4', 'share-5']);
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

  it('refuses shares of two ceremonies given together, naming each ceremony once with its shares', () => {
    const ours = split35();
    const theirs = splitSecret({ secret: new Uint8Array(32).fill(1), groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0 })[0] ?? [];
    const [idOurs, idTheirs] = [ours[0], theirs[0]].map((m) => decodeMnemonic(m ?? '').identifier);
    // Even with a complete quorum of one ceremony, the other's share is not silently dropped.
    for (const given of [ours.slice(0, 3), ours.slice(0, 2)]) {
      const error = caught(() => restoreSecret([...inputs(given, 'ours'), ...inputs(theirs.slice(0, 1), 'theirs')]));
      expect(error.code).toBe('SHARES_MISMATCH');
      const expected = `2 different ceremonies: ceremony ${idOurs} (${given.map((_, i) => `ours-${i + 1}`).join(', ')}); ceremony ${idTheirs} (theirs-1)`;
      expect(error.message).toContain(expected);
    }
  });

  it('refuses a set whose shares share an identifier but disagree on a common parameter, naming it and the shares', () => {
    const shares = split35();
    const first = decodeMnemonic(shares[0] ?? '');
    // A forged 1-of-1 sheet with the ceremony's identifier: on its own it restores the forger's secret.
    const forged = splitSecret({ secret: new Uint8Array(32).fill(7), groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], iterationExponent: 0, identifier: first.identifier, extendable: first.extendable });
    const given = [...inputs(shares.slice(0, 3)), { source: 'forged.txt', text: forged[0]?.[0] ?? '' }];
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARES_MISMATCH');
    // One group, member threshold 3 vs 1: the member threshold of group 1 is what differs.
    expect(error.message).toContain('member threshold of group 1');
    expect(error.message).toContain('share-1, share-2, share-3 say 3 shares needed; forged.txt says 1 share needed');
    const exponent = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], iterationExponent: 1, identifier: first.identifier, extendable: first.extendable })[0] ?? [];
    const other = caught(() => restoreSecret([...inputs(shares.slice(0, 3)), { source: 'e1.txt', text: exponent[3] ?? '' }]));
    expect(other.code).toBe('SHARES_MISMATCH');
    expect(other.message).toContain('iteration exponent (share-1, share-2, share-3 say 0; e1.txt says 1)');
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
