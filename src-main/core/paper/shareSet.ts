import { CustosError, isCustosError } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { decodeMnemonic, type Share } from './slip39/index.js';

/** One share as a person supplied it: a file, a scan, a line of standard input. */
export interface ShareInput {
  source: string;
  text: string;
}

export interface Decoded {
  source: string;
  text: string;
  share: Share;
}

/**
 * The shares of one SLIP-0039 split, checked to agree on every common
 * parameter, exact repeats dropped. `groups` maps the 0-based group index to
 * its members, in the order given. Values are secret: `wipeSet` when done.
 */
export interface ShareSet {
  identifier: number;
  first: Share;
  groups: Map<number, Decoded[]>;
  shares: Decoded[];
  notes: string[];
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (items: readonly Decoded[]): string => items.map((d) => d.source).join(', ');

/** Decodes one input; a failure names its source (word positions, never the words). */
export function decodeInput({ source, text }: ShareInput): Decoded {
  try {
    return { source, text, share: decodeMnemonic(text) };
  } catch (error) {
    if (isCustosError(error)) throw new CustosError(error.code, `${source}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function wipeShares(shares: readonly Decoded[]): void {
  wipe(...shares.map((d) => d.share.value));
}

/** Splits by identifier only: the identifier is what names a split, everything else must then agree. */
function byIdentifier(shares: readonly Decoded[]): Map<number, Decoded[]> {
  const sets = new Map<number, Decoded[]>();
  for (const d of shares) sets.set(d.share.identifier, [...(sets.get(d.share.identifier) ?? []), d]);
  return sets;
}

const shareWords = (s: Share): number => Math.ceil((s.value.length * 8) / 10) + 7;

/** The common parameters of SLIP-0039: shares of one split carry the same values. */
const COMMON: ReadonlyArray<readonly [string, (s: Share) => string]> = [
  ['extendable flag', (s) => (s.extendable ? 'extendable' : 'not extendable')],
  ['iteration exponent', (s) => String(s.iterationExponent)],
  ['group threshold', (s) => `${s.groupThreshold} groups needed`],
  ['group count', (s) => `${s.groupCount} groups`],
  ['share length', (s) => `${shareWords(s)} words`],
];

/** "a.txt says 2 groups needed; b.txt, c.txt say 1 groups needed", or null when all agree. */
function disagreement(shares: readonly Decoded[], get: (s: Share) => string): string | null {
  const byValue = new Map<string, Decoded[]>();
  for (const d of shares) byValue.set(get(d.share), [...(byValue.get(get(d.share)) ?? []), d]);
  if (byValue.size <= 1) return null;
  return [...byValue].map(([value, items]) => `${list(items)} ${items.length === 1 ? 'says' : 'say'} ${value}`).join('; ');
}

function mismatch(identifier: number, what: string, detail: string): CustosError {
  return new CustosError(
    'SHARES_MISMATCH',
    `the shares of ceremony ${identifier} disagree on the ${what} (${detail}): shares of one split never do, so at least one is forged or damaged; nothing was restored`,
  );
}

/** Exact repeats count once (with a note); two different shares claiming one position is an error. */
function dropRepeats(shares: readonly Decoded[], notes: string[]): Decoded[] {
  const seen = new Map<string, Decoded>();
  for (const d of shares) {
    const key = `${d.share.groupIndex}#${d.share.memberIndex}`;
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, d);
    else if (equalBytes(earlier.share.value, d.share.value)) notes.push(`${d.source} is the same share as ${earlier.source}; it was counted once`);
    else {
      throw new CustosError(
        'SHARE_DUPLICATE',
        `${earlier.source} and ${d.source} both claim to be share ${d.share.memberIndex + 1} of group ${d.share.groupIndex + 1}, but differ: one of them is mistyped or forged`,
      );
    }
  }
  return [...seen.values()];
}

/**
 * Checks that decoded shares form one split as SLIP-0039 defines it: one
 * identifier, the same common parameters, one member threshold per group.
 * Any disagreement refuses the whole set (SHARES_MISMATCH) rather than
 * picking out a subset that works: otherwise a single forged sheet could
 * choose the key that is restored.
 */
export function assembleSet(decoded: readonly Decoded[]): ShareSet {
  const sets = byIdentifier(decoded);
  if (sets.size === 0) throw new CustosError('SHARES_INSUFFICIENT', 'no shares were given');
  if (sets.size > 1) {
    const described = [...sets].map(([id, items]) => `ceremony ${id} (${list(items)})`).join('; ');
    throw new CustosError(
      'SHARES_MISMATCH',
      `these shares come from ${sets.size} different ceremonies: ${described}. Every share given is used, so restore each ceremony on its own, with its shares only`,
    );
  }
  const [identifier, all] = [...sets][0] as [number, Decoded[]];
  for (const [what, get] of COMMON) {
    const detail = disagreement(all, get);
    if (detail !== null) throw mismatch(identifier, what, detail);
  }
  const byGroup = (items: readonly Decoded[]) => {
    const groups = new Map<number, Decoded[]>();
    for (const d of items) groups.set(d.share.groupIndex, [...(groups.get(d.share.groupIndex) ?? []), d]);
    return groups;
  };
  // Parameters before positions: a forged sheet claiming a taken position is named for what it changes.
  for (const [index, members] of [...byGroup(all)].sort(([a], [b]) => a - b)) {
    const detail = disagreement(members, (s) => `${plural(s.memberThreshold, 'share')} needed`);
    if (detail !== null) throw mismatch(identifier, `member threshold of group ${index + 1}`, detail);
  }
  const notes: string[] = [];
  const shares = dropRepeats(all, notes);
  const groups = byGroup(shares);
  return { identifier, first: (all[0] as Decoded).share, groups, shares, notes };
}

export interface GroupCount {
  /** The group's 0-based index, as in the share (people see index + 1). */
  index: number;
  have: number;
  /** The group's member threshold. */
  need: number;
}

export function groupCounts(set: ShareSet): GroupCount[] {
  return [...set.groups]
    .sort(([a], [b]) => a - b)
    .map(([index, members]) => ({ index, have: members.length, need: (members[0] as Decoded).share.memberThreshold }));
}

/**
 * What keeps this set from being restored, or null when it can be: too few
 * complete groups (SHARES_INSUFFICIENT, saying what each group needs), or a
 * started group that is short while the others complete the quorum
 * (SHARES_TOO_MANY): its shares cannot be checked against the rest, and a
 * share that cannot be checked is not silently ignored.
 */
export function shortfall(set: ShareSet): CustosError | null {
  const { groupThreshold, groupCount } = set.first;
  const counts = groupCounts(set);
  const complete = counts.filter((g) => g.have >= g.need).length;
  const partial = counts.filter((g) => g.have < g.need);
  const describe = (g: GroupCount) => `group ${g.index + 1} has ${g.have} of ${g.need} and needs ${plural(g.need - g.have, 'more share')}`;
  if (complete < groupThreshold) {
    const missing: string[] = [];
    if (groupCount > 1) missing.push(`${plural(groupThreshold - complete, 'more group')} needed (${groupThreshold} of ${groupCount})`);
    missing.push(...partial.map(describe));
    return new CustosError('SHARES_INSUFFICIENT', `not enough shares: ${missing.join('; ')}`);
  }
  if (partial.length > 0) {
    const named = partial.map((g) => `${describe(g)} (${list(set.groups.get(g.index) ?? [])})`).join('; ');
    return new CustosError(
      'SHARES_TOO_MANY',
      `enough groups are complete, but ${named}: a group that is not complete cannot be checked against the others, so nothing was restored. Leave its shares out, or bring the missing ones`,
    );
  }
  return null;
}
