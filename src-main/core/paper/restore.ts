import { CustosError, isCustosError } from '../../../shared/errors.js';
import { equalBytes, wipe } from '../crypto/bytes.js';
import { combineMnemonics, decodeMnemonic, type Share } from './slip39/index.js';

/** One share as a person supplied it: a file, a scan, a line of standard input. */
export interface ShareInput {
  source: string;
  text: string;
}

export interface RestoreResult {
  /** The recovered secret. The caller owns it and must wipe it. */
  secret: Uint8Array;
  identifier: number;
  /** Sources of the shares that were combined. */
  used: string[];
  /** Things a person should know: duplicates dropped, shares of another ceremony ignored. */
  notes: string[];
}

interface Decoded {
  source: string;
  text: string;
  share: Share;
}

const setKey = (s: Share) => [s.identifier, s.extendable, s.iterationExponent, s.groupThreshold, s.groupCount].join('/');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function decodeAll(inputs: readonly ShareInput[]): Decoded[] {
  return inputs.map(({ source, text }) => {
    try {
      return { source, text, share: decodeMnemonic(text) };
    } catch (error) {
      if (isCustosError(error)) throw new CustosError(error.code, `${source}: ${error.message}`, { cause: error });
      throw error;
    }
  });
}

/** Drops exact repeats (with a note); two different shares claiming one position is an error. */
function dropDuplicates(shares: Decoded[], notes: string[]): Decoded[] {
  const seen = new Map<string, Decoded>();
  for (const d of shares) {
    const key = `${setKey(d.share)}#${d.share.groupIndex}#${d.share.memberIndex}`;
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, d);
    else if (equalBytes(earlier.share.value, d.share.value)) notes.push(`${d.source} is the same share as ${earlier.source}; it was counted once`);
    else {
      throw new CustosError(
        'SHARE_DUPLICATE',
        `${earlier.source} and ${d.source} both claim to be share ${d.share.memberIndex + 1} of group ${d.share.groupIndex + 1}, but differ: one of them is mistyped`,
      );
    }
  }
  return [...seen.values()];
}

interface SetStatus {
  shares: Decoded[];
  groups: Map<number, Decoded[]>;
  complete: number[];
  missing: string[];
  qualifies: boolean;
}

function status(shares: Decoded[]): SetStatus {
  const first = shares[0]?.share;
  if (!first) throw new CustosError('SHARES_INSUFFICIENT', 'no shares were given');
  const groups = new Map<number, Decoded[]>();
  for (const d of shares) groups.set(d.share.groupIndex, [...(groups.get(d.share.groupIndex) ?? []), d]);
  const complete = [...groups.entries()].filter(([, members]) => members.length >= (members[0]?.share.memberThreshold ?? 1)).map(([index]) => index).sort((a, b) => a - b);
  const missing: string[] = [];
  if (complete.length < first.groupThreshold) {
    const needGroups = first.groupThreshold - complete.length;
    if (first.groupCount > 1) missing.push(`${plural(needGroups, 'more group')} needed (${first.groupThreshold} of ${first.groupCount})`);
    for (const [index, members] of [...groups.entries()].sort(([a], [b]) => a - b)) {
      const threshold = members[0]?.share.memberThreshold ?? 1;
      if (members.length < threshold) missing.push(`group ${index + 1} has ${members.length} of ${threshold} and needs ${plural(threshold - members.length, 'more share')}`);
    }
  }
  return { shares, groups, complete, missing, qualifies: missing.length === 0 };
}

function pick(set: SetStatus, groupThreshold: number, fromEnd: boolean): Decoded[] {
  const groups = fromEnd ? [...set.complete].reverse() : set.complete;
  return groups.slice(0, groupThreshold).flatMap((index) => {
    const members = [...(set.groups.get(index) ?? [])].sort((a, b) => a.share.memberIndex - b.share.memberIndex);
    if (fromEnd) members.reverse();
    return members.slice(0, members[0]?.share.memberThreshold ?? 1);
  });
}

/**
 * Recovers a SLIP-0039 secret from any number of shares: more than the
 * threshold is fine (when there are extras, a second subset is combined and
 * must agree), repeats are counted once, shares of another ceremony are named
 * rather than silently dropped, and too few shares says how many more each
 * group needs.
 */
export function restoreSecret(inputs: readonly ShareInput[], passphrase = ''): RestoreResult {
  const notes: string[] = [];
  const shares = dropDuplicates(decodeAll(inputs), notes);
  const sets = new Map<string, Decoded[]>();
  for (const d of shares) sets.set(setKey(d.share), [...(sets.get(setKey(d.share)) ?? []), d]);
  const statuses = [...sets.values()].map(status);
  const ready = statuses.filter((s) => s.qualifies);
  const describe = (s: SetStatus) => `ceremony ${s.shares[0]?.share.identifier} (${s.shares.map((d) => d.source).join(', ')})`;

  if (ready.length !== 1) {
    if (statuses.length === 1 && statuses[0]) throw new CustosError('SHARES_INSUFFICIENT', `not enough shares: ${statuses[0].missing.join('; ')}`);
    const why = ready.length === 0 ? 'none of them has enough shares' : 'more than one is complete; restore each on its own';
    throw new CustosError('SHARES_MISMATCH', `these shares come from ${statuses.length} different ceremonies and ${why}: ${statuses.map(describe).join('; ')}`);
  }
  const chosen = ready[0] as SetStatus;
  for (const other of statuses.filter((s) => s !== chosen)) {
    notes.push(`not used, from another ceremony: ${describe(other)}`);
  }
  const first = chosen.shares[0]?.share as Share;
  const subset = pick(chosen, first.groupThreshold, false);
  const secret = combineMnemonics(subset.map((d) => d.text), passphrase);
  const alternative = pick(chosen, first.groupThreshold, true);
  const extras = alternative.some((d) => !subset.includes(d));
  if (extras) {
    const again = combineMnemonics(alternative.map((d) => d.text), passphrase);
    const agree = equalBytes(secret, again);
    wipe(again);
    if (!agree) {
      wipe(secret);
      throw new CustosError('SHARE_DIGEST', 'two different subsets of these shares give different secrets: one share is damaged or forged');
    }
  }
  for (const d of shares) wipe(d.share.value);
  return { secret, identifier: first.identifier, used: subset.map((d) => d.source), notes };
}
