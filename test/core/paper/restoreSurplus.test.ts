import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { restoreProgress, restoreSecret, type ShareInput } from '../../../src-main/core/paper/restore.js';
import { decodeMnemonic, splitSecret, type GroupSpec } from '../../../src-main/core/paper/slip39/index.js';
import { encodeShare } from '../../../src-main/core/paper/slip39/share.js';
import { caughtCustosError } from '../../helpers/errorCode.js';

const secret = new Uint8Array(randomBytes(32));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const named = (mnemonics: readonly string[], prefix: string) => mnemonics.map((text, i): ShareInput => ({ source: `${prefix}${i + 1}.txt`, text }));

/** A split, and a forger's split of another secret with the same identifier and parameters: every share has a valid checksum. */
function genuineAndForged(groupThreshold: number, groups: GroupSpec[]): { genuine: string[][]; forged: string[][] } {
  const genuine = splitSecret({ secret, groupThreshold, groups, iterationExponent: 0 });
  const { identifier, extendable } = decodeMnemonic(genuine[0]?.[0] ?? '');
  const forged = splitSecret({ secret: new Uint8Array(randomBytes(32)), groupThreshold, groups, iterationExponent: 0, identifier, extendable });
  return { genuine, forged };
}

const caught = caughtCustosError;

describe('restoreSecret uses every share given', () => {
  it('2-of-5, all five given, share 3 forged with a valid checksum: refused, share 3 named', () => {
    const { genuine, forged } = genuineAndForged(1, [{ threshold: 2, count: 5 }]);
    const all = named(genuine[0] ?? [], 'share');
    expect(hex(restoreSecret(all).secret)).toBe(hex(secret));
    const given = all.map((input, i) => (i === 2 ? { source: 'share3.txt', text: forged[0]?.[2] ?? '' } : input));
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('share3.txt: share 3 of group 1 does not belong to the same split as the others: forged or damaged');
    expect(error.message).not.toMatch(/share[1245]\.txt/);
  });

  it('a forged first share, or one built with the encoder, is named the same way', () => {
    const { genuine, forged } = genuineAndForged(1, [{ threshold: 3, count: 5 }]);
    const first = named(genuine[0] ?? [], 'share').map((input, i) => (i === 0 ? { source: 'share1.txt', text: forged[0]?.[0] ?? '' } : input));
    expect(caught(() => restoreSecret(first)).message).toMatch(/^share1\.txt: share 1 of group 1 does not belong/);

    const real = decodeMnemonic(genuine[0]?.[4] ?? '');
    const built = encodeShare({ ...real, value: new Uint8Array(randomBytes(real.value.length)) }).join(' ');
    const given = named(genuine[0] ?? [], 'share').map((input, i) => (i === 4 ? { source: 'built.txt', text: built } : input));
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('built.txt: share 5 of group 1 does not belong');
  });

  it('with exactly the threshold and a forged share, the digest fails', () => {
    const { genuine, forged } = genuineAndForged(1, [{ threshold: 2, count: 3 }]);
    const error = caught(() => restoreSecret([...named([genuine[0]?.[0] ?? ''], 'a'), ...named([forged[0]?.[1] ?? ''], 'b')]));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('group 1 (a1.txt, b1.txt) fail the digest check');
  });

  it('an extra group must lie on the group polynomial: a forged complete group is named', () => {
    const spec = [{ threshold: 2, count: 3 }, { threshold: 2, count: 3 }, { threshold: 2, count: 3 }];
    const { genuine, forged } = genuineAndForged(2, spec);
    const group = (g: string[][], i: number, prefix: string) => named((g[i] ?? []).slice(0, 2), prefix);
    const honest = [...group(genuine, 0, 'g1-'), ...group(genuine, 1, 'g2-'), ...group(genuine, 2, 'g3-')];
    const all = restoreSecret(honest);
    expect(hex(all.secret)).toBe(hex(secret));
    expect(all.used).toHaveLength(6);
    const error = caught(() => restoreSecret([...group(genuine, 0, 'g1-'), ...group(genuine, 1, 'g2-'), ...group(forged, 2, 'x3-')]));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('group 3 (x3-1.txt, x3-2.txt) does not belong to the same split as the other groups');
  });

  it('with a group threshold of 1, every complete group must give the same value', () => {
    const spec = [{ threshold: 2, count: 3 }, { threshold: 2, count: 3 }];
    const { genuine, forged } = genuineAndForged(1, spec);
    expect(hex(restoreSecret([...named(genuine[0] ?? [], 'a'), ...named(genuine[1] ?? [], 'b')]).secret)).toBe(hex(secret));
    const error = caught(() => restoreSecret([...named(genuine[0] ?? [], 'a'), ...named((forged[1] ?? []).slice(1), 'b')]));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('group 2 (b1.txt, b2.txt) does not belong');
  });

  it('a group of threshold 1 with two different members is refused', () => {
    const genuine = splitSecret({ secret, groupThreshold: 2, groups: [{ threshold: 1, count: 1 }, { threshold: 2, count: 2 }], iterationExponent: 0 });
    const lone = decodeMnemonic(genuine[0]?.[0] ?? '');
    const second = encodeShare({ ...lone, memberIndex: 1, value: new Uint8Array(randomBytes(lone.value.length)) }).join(' ');
    const error = caught(() => restoreSecret([...named(genuine[0] ?? [], 'a'), { source: 'extra.txt', text: second }, ...named(genuine[1] ?? [], 'b')]));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('group 1 needs one share, so its shares must be identical, but a1.txt, extra.txt differ');
  });

  it('a started group that is short while the others complete the quorum is refused, not ignored', () => {
    const spec = [{ threshold: 2, count: 3 }, { threshold: 2, count: 3 }, { threshold: 3, count: 3 }];
    const genuine = splitSecret({ secret, groupThreshold: 2, groups: spec, iterationExponent: 0 });
    const given = [...named(genuine[0] ?? [], 'a'), ...named((genuine[1] ?? []).slice(0, 2), 'b'), ...named((genuine[2] ?? []).slice(0, 1), 'c')];
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARES_TOO_MANY');
    expect(error.message).toContain('group 3 has 1 of 3 and needs 2 more shares (c1.txt)');
    expect(error.message).toContain('Leave its shares out, or bring the missing ones');
    expect(hex(restoreSecret(given.slice(0, 5)).secret)).toBe(hex(secret));
  });
});

describe('two consistent splits under one identifier', () => {
  it('a forged split of T or more shares given first does not get the genuine shares named as the forgeries', () => {
    const { genuine, forged } = genuineAndForged(1, [{ threshold: 2, count: 5 }]);
    const given = [...named((forged[0] ?? []).slice(0, 2), 'f'), ...named((genuine[0] ?? []).slice(2), 'g')];
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('f1.txt, f2.txt and g1.txt, g2.txt, g3.txt are two different splits');
    expect(error.message).not.toMatch(/g\d\.txt: share \d of group 1 does not belong/);
  });

  it('the same for groups: two complete groups of a forged split beside two genuine ones', () => {
    const spec = [{ threshold: 1, count: 1 }, { threshold: 1, count: 1 }, { threshold: 1, count: 1 }, { threshold: 1, count: 1 }];
    const { genuine, forged } = genuineAndForged(2, spec);
    const given = [...named(forged[0] ?? [], 'f'), ...named(forged[1] ?? [], 'h'), ...named(genuine[2] ?? [], 'g'), ...named(genuine[3] ?? [], 'k')];
    const error = caught(() => restoreSecret(given));
    expect(error.code).toBe('SHARE_DIGEST');
    expect(error.message).toContain('two different splits');
    expect(error.message).toContain('group 1 (f1.txt), group 2 (h1.txt)');
    expect(error.message).toContain('group 3 (g1.txt), group 4 (k1.txt)');
  });
});

describe('restoreSecret with every share of random splits', () => {
  it('restores from all shares, and names any one share replaced by a well-formed forgery', () => {
    const shapes = [[2, 3], [2, 5], [3, 4], [3, 7], [4, 9], [5, 6], [2, 16], [8, 16], [15, 16]] as const;
    for (const [round, [threshold, count]] of shapes.entries()) {
      const shares = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold, count }], iterationExponent: 0 })[0] ?? [];
      expect(hex(restoreSecret(named(shares, 's')).secret), `${threshold}-of-${count}`).toBe(hex(secret));
      const victim = (round * 5) % count;
      const real = decodeMnemonic(shares[victim] ?? '');
      const forged = encodeShare({ ...real, value: new Uint8Array(randomBytes(real.value.length)) }).join(' ');
      const given = named(shares, 's').map((input, i) => (i === victim ? { ...input, text: forged } : input));
      const error = caught(() => restoreSecret(given));
      expect(error.code, `${threshold}-of-${count}, share ${victim + 1}`).toBe('SHARE_DIGEST');
      expect(error.message).toMatch(new RegExp(`^s${victim + 1}\\.txt: share ${victim + 1} of group 1 does not belong`));
    }
  });
});

describe('restoreProgress', () => {
  const spec = [{ threshold: 2, count: 3 }, { threshold: 3, count: 5 }, { threshold: 1, count: 1 }];
  const split = splitSecret({ secret, groupThreshold: 2, groups: spec, iterationExponent: 0 });
  const g = (group: number, member: number): ShareInput => ({ source: `g${group}m${member}`, text: split[group - 1]?.[member - 1] ?? '' });

  it('says what each group has and needs, and when the quorum is reached', () => {
    expect(restoreProgress([])).toMatchObject({ ceremony: null, complete: false, groups: [], problems: [] });
    const one = restoreProgress([g(2, 1)]);
    expect(one).toMatchObject({ ceremony: decodeMnemonic(split[0]?.[0] ?? '').identifier, groupThreshold: 2, groupCount: 3, groupsNeeded: 2, complete: false });
    expect(one.groups).toEqual([{ index: 1, have: 1, need: 3 }]);
    const more = restoreProgress([g(2, 1), g(1, 1), g(1, 3)]);
    expect(more.groups).toEqual([
      { index: 0, have: 2, need: 2 },
      { index: 1, have: 1, need: 3 },
    ]);
    expect(more).toMatchObject({ groupsNeeded: 1, complete: false, problems: [] });
    expect(restoreProgress([g(2, 1), g(2, 2), g(2, 4), g(3, 1)])).toMatchObject({ groupsNeeded: 0, complete: true, problems: [] });
  });

  it('lists problems without throwing, and still counts the shares that decode', () => {
    const words = g(1, 1).text.split(' ');
    words.reverse();
    const progress = restoreProgress([{ source: 'bad', text: words.join(' ') }, g(1, 2)]);
    expect(progress.problems).toEqual([{ code: 'SHARE_CHECKSUM', message: expect.stringMatching(/^bad: /) }]);
    expect(progress.groups).toEqual([{ index: 0, have: 1, need: 2 }]);
    const repeat = restoreProgress([g(1, 1), { ...g(1, 1), source: 'again' }]);
    expect(repeat.notes).toEqual(['again is the same share as g1m1; it was counted once']);
    expect(repeat.groups).toEqual([{ index: 0, have: 1, need: 2 }]);
    const other = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], iterationExponent: 0 })[0]?.[0] ?? '';
    const mixed = restoreProgress([g(1, 1), { source: 'other', text: other }]);
    expect(mixed).toMatchObject({ ceremony: null, complete: false, groups: [] });
    expect(mixed.problems.map((p) => p.code)).toEqual(['SHARES_MISMATCH']);
    const short = restoreProgress([g(1, 1), g(1, 2), g(3, 1), g(2, 1)]);
    expect(short).toMatchObject({ groupsNeeded: 0, complete: false });
    expect(short.problems.map((p) => p.code)).toEqual(['SHARES_TOO_MANY']);
  });
});
