import { CustosError, isCustosError, type ErrorCode } from '../../../shared/errors.js';
import { wipe } from '../crypto/bytes.js';
import { decryptMasterSecret, passphraseBytes } from './slip39/cipher.js';
import type { Point } from './slip39/gf256.js';
import { recoverConsistent } from './slip39/surplus.js';
import { assembleSet, decodeInput, groupCounts, shortfall, wipeShares, type Decoded, type GroupCount, type ShareInput, type ShareSet } from './shareSet.js';

export type { GroupCount, ShareInput } from './shareSet.js';

export interface RestoreResult {
  /** The recovered secret. The caller owns it and must wipe it. */
  secret: Uint8Array;
  identifier: number;
  /** Sources of the shares that were combined: every share given, repeats once. */
  used: string[];
  /** Things a person should know: shares given twice and counted once. */
  notes: string[];
}

const sources = (items: readonly Decoded[]) => items.map((d) => d.source).join(', ');

/**
 * Whether the points off the polynomial found make a consistent split of
 * their own (T of them pass the digest). Then the shares hold two splits
 * under one identifier, and which one came first in the input decides which
 * looks "genuine": neither set can be named as the forgery. With T = 1 there
 * is no digest to tell a split from any share, so the answer is no.
 */
function formsSecondSplit(threshold: number, points: readonly Point[], outliers: readonly number[]): boolean {
  if (threshold < 2 || outliers.length < threshold) return false;
  const found = recoverConsistent(threshold, points.filter((p) => outliers.includes(p.x)));
  if (found) wipe(found.secret);
  return found !== null;
}

const twoSplits = (one: string, other: string, threshold: number) =>
  `${one} and ${other} are two different splits that share one identifier: each set is consistent on its own, so the shares alone cannot tell which is genuine, and at least ${threshold} of them are forged. ` +
  "Nothing was restored; check each sheet with 'custos paper check' on a host that holds the vault's master key";

/** One complete group's value, with every member checked to lie on the group's polynomial. */
function recoverGroup(index: number, members: readonly Decoded[]): Point {
  const threshold = (members[0] as Decoded).share.memberThreshold;
  const points = members.map((d) => ({ x: d.share.memberIndex, y: d.share.value }));
  const found = recoverConsistent(threshold, points);
  if (found === null) {
    throw new CustosError(
      'SHARE_DIGEST',
      `the shares of group ${index + 1} (${sources(members)}) fail the digest check: no ${threshold} of them combine to a checked value, so one is forged or damaged, or they come from different splits`,
    );
  }
  if (found.outliers.length > 0) {
    wipe(found.secret);
    const off = members.filter((d) => found.outliers.includes(d.share.memberIndex));
    if (formsSecondSplit(threshold, points, found.outliers)) {
      const on = members.filter((d) => !found.outliers.includes(d.share.memberIndex));
      throw new CustosError('SHARE_DIGEST', `in group ${index + 1}, ${twoSplits(sources(on), sources(off), threshold)}`);
    }
    if (threshold === 1) {
      throw new CustosError('SHARE_DIGEST', `group ${index + 1} needs one share, so its shares must be identical, but ${sources(members)} differ: at least one is forged or damaged; nothing was restored`);
    }
    const named = off.map((d) => `${d.source}: share ${d.share.memberIndex + 1} of group ${index + 1} does not belong to the same split as the others: forged or damaged`);
    throw new CustosError('SHARE_DIGEST', `${named.join('; ')}. Nothing was restored; leave that share out, or find out where it came from`);
  }
  return { x: index, y: found.secret };
}

/** The encrypted master secret, from the complete groups, every extra group checked like an extra member. */
function recoverEncrypted(set: ShareSet, groupPoints: Point[]): Uint8Array {
  for (const [index, members] of [...set.groups].sort(([a], [b]) => a - b)) groupPoints.push(recoverGroup(index, members));
  const { groupThreshold } = set.first;
  const found = recoverConsistent(groupThreshold, groupPoints);
  if (found === null) {
    throw new CustosError('SHARE_DIGEST', `the groups fail the digest check: no ${groupThreshold} of them combine to a checked value, so a group's shares are forged or from a different split`);
  }
  if (found.outliers.length > 0) {
    wipe(found.secret);
    const group = (x: number) => `group ${x + 1} (${sources(set.groups.get(x) ?? [])})`;
    if (formsSecondSplit(groupThreshold, groupPoints, found.outliers)) {
      const on = groupPoints.map((p) => p.x).filter((x) => !found.outliers.includes(x));
      throw new CustosError('SHARE_DIGEST', twoSplits(on.map(group).join(', '), found.outliers.map(group).join(', '), groupThreshold));
    }
    const named = found.outliers.map(group).join('; ');
    throw new CustosError('SHARE_DIGEST', `${named} does not belong to the same split as the other groups: its shares are forged or damaged; nothing was restored`);
  }
  return found.secret;
}

/**
 * Recovers a SLIP-0039 secret following the specification exactly, and uses
 * every share given: the shares must share one identifier and every common
 * parameter (else SHARES_MISMATCH, naming what differs and which shares);
 * exact repeats count once, with a note; shares beyond a threshold must lie
 * on the same polynomial as the rest (a forged extra share with a valid
 * checksum is named, SHARE_DIGEST); too few shares says how many more each
 * group needs. Nothing is ever restored from a subset chosen to make it work.
 * A wrong passphrase gives a different secret, not an error (by design).
 */
export function restoreSecret(inputs: readonly ShareInput[], passphrase = ''): RestoreResult {
  const secretPassphrase = passphraseBytes(passphrase);
  const decoded: Decoded[] = [];
  const groupPoints: Point[] = [];
  try {
    for (const input of inputs) decoded.push(decodeInput(input));
    const set = assembleSet(decoded);
    const short = shortfall(set);
    if (short) throw short;
    const { identifier, extendable, iterationExponent } = set.first;
    const encrypted = recoverEncrypted(set, groupPoints);
    try {
      const secret = decryptMasterSecret(encrypted, secretPassphrase, { identifier, extendable, iterationExponent });
      return { secret, identifier, used: set.shares.map((d) => d.source), notes: set.notes };
    } finally {
      wipe(encrypted);
    }
  } finally {
    wipe(secretPassphrase, ...groupPoints.map((p) => p.y));
    wipeShares(decoded);
  }
}

export interface RestoreProgress {
  /** The identifier of the ceremony, or null while there is none or more than one. */
  ceremony: number | null;
  groupThreshold: number | null;
  groupCount: number | null;
  /** The groups that have shares so far (index is 0-based; need is the group's threshold). */
  groups: GroupCount[];
  /** Groups still to be completed to reach the group threshold. */
  groupsNeeded: number;
  /** True when restoreSecret has all it needs (it may still find a forged share). */
  complete: boolean;
  /** What stands in the way, one entry per problem: unreadable shares, a mismatch, a conflict. */
  problems: Array<{ code: ErrorCode; message: string }>;
  notes: string[];
}

const problem = (error: unknown) => {
  if (isCustosError(error)) return { code: error.code, message: error.message };
  throw error;
};

/**
 * How far a restore has come, for a person typing or scanning shares one by
 * one: which ceremony, what each group has and needs, whether the quorum is
 * reached. Computes no secret and never throws for bad shares: a share that
 * does not decode is a problem and the others still count.
 */
export function restoreProgress(inputs: readonly ShareInput[]): RestoreProgress {
  const problems: RestoreProgress['problems'] = [];
  const decoded: Decoded[] = [];
  for (const input of inputs) {
    try {
      decoded.push(decodeInput(input));
    } catch (error) {
      problems.push(problem(error));
    }
  }
  const empty = { ceremony: null, groupThreshold: null, groupCount: null, groups: [], groupsNeeded: 0, complete: false, notes: [] };
  try {
    if (decoded.length === 0) return { ...empty, problems };
    let set: ShareSet;
    try {
      set = assembleSet(decoded);
    } catch (error) {
      return { ...empty, problems: [...problems, problem(error)] };
    }
    const groups = groupCounts(set);
    const completeGroups = groups.filter((g) => g.have >= g.need).length;
    const short = shortfall(set);
    if (short && short.code !== 'SHARES_INSUFFICIENT') problems.push(problem(short));
    return {
      ceremony: set.identifier,
      groupThreshold: set.first.groupThreshold,
      groupCount: set.first.groupCount,
      groups,
      groupsNeeded: Math.max(0, set.first.groupThreshold - completeGroups),
      complete: short === null && problems.length === 0,
      problems,
      notes: set.notes,
    };
  } finally {
    wipeShares(decoded);
  }
}
