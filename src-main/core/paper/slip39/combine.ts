import { CustosError, isCustosError } from '../../../../shared/errors.js';
import { equalBytes, wipe } from '../../crypto/bytes.js';
import { decryptMasterSecret, passphraseBytes, type CipherParams } from './cipher.js';
import type { Point } from './gf256.js';
import { recoverShares } from './shamir.js';
import type { Share } from './share.js';
import { decodeShare } from './share.js';

/** A decoded share and its 1-based position in the caller's list, for messages. */
interface Numbered {
  readonly share: Share;
  readonly position: number;
}

interface Group {
  readonly index: number;
  readonly threshold: number;
  readonly members: Numbered[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function decodeAll(mnemonics: readonly string[]): Numbered[] {
  const decoded: Numbered[] = [];
  mnemonics.forEach((text, i) => {
    try {
      decoded.push({ share: decodeShare(text), position: i + 1 });
    } catch (error) {
      wipe(...decoded.map((d) => d.share.value));
      if (isCustosError(error)) throw new CustosError(error.code, `Share ${i + 1}: ${error.message}`, { cause: error });
      throw error;
    }
  });
  return decoded;
}

const SET_FIELDS = [
  ['identifier', (s: Share) => s.identifier, 'the identifier (first two words) differs: they come from different splits'],
  ['extendable', (s: Share) => Number(s.extendable), 'the extendable flag (first two words) differs'],
  ['iterationExponent', (s: Share) => s.iterationExponent, 'the iteration exponent (second word) differs'],
  ['groupThreshold', (s: Share) => s.groupThreshold, 'the group threshold differs'],
  ['groupCount', (s: Share) => s.groupCount, 'the group count differs'],
  ['length', (s: Share) => s.value.length, 'they have different numbers of words'],
] as const;

/** Every share must carry the same set parameters as the first; the message says which differs. */
function checkSameSet(shares: readonly Numbered[]): void {
  const [first, ...rest] = shares;
  if (first === undefined) return;
  for (const other of rest) {
    for (const [, get, reason] of SET_FIELDS) {
      if (get(first.share) !== get(other.share)) {
        throw new CustosError('SHARES_MISMATCH', `Shares ${first.position} and ${other.position} do not belong together: ${reason}.`);
      }
    }
  }
}

function groupShares(shares: readonly Numbered[]): Group[] {
  const groups = new Map<number, Group>();
  for (const item of shares) {
    const { groupIndex, memberThreshold, memberIndex } = item.share;
    let group = groups.get(groupIndex);
    if (group === undefined) {
      group = { index: groupIndex, threshold: memberThreshold, members: [] };
      groups.set(groupIndex, group);
    }
    const first = group.members[0];
    if (first !== undefined && group.threshold !== memberThreshold) {
      throw new CustosError(
        'SHARES_MISMATCH',
        `Shares ${first.position} and ${item.position} are both in group ${groupIndex + 1} but differ in the member threshold (${group.threshold} vs ${memberThreshold}).`,
      );
    }
    const twin = group.members.find((m) => m.share.memberIndex === memberIndex);
    if (twin !== undefined) {
      const message = equalBytes(twin.share.value, item.share.value)
        ? `Share ${item.position} is the same share as share ${twin.position}, given twice.`
        : `Shares ${twin.position} and ${item.position} both claim to be member ${memberIndex + 1} of group ${groupIndex + 1}; one is altered or from another split.`;
      throw new CustosError('SHARE_DUPLICATE', message);
    }
    group.members.push(item);
  }
  return [...groups.values()].sort((a, b) => a.index - b.index);
}

/** The spec asks for exactly GT groups of exactly T_i shares each: report what is missing or extra. */
function checkCounts(groups: readonly Group[], groupThreshold: number, groupCount: number): void {
  if (groups.length > groupThreshold) {
    throw new CustosError(
      'SHARES_TOO_MANY',
      `Shares from ${groups.length} groups were given but exactly ${groupThreshold} are needed; leave out the shares of ${plural(groups.length - groupThreshold, 'group')}.`,
    );
  }
  for (const g of groups) {
    if (g.members.length > g.threshold) {
      throw new CustosError(
        'SHARES_TOO_MANY',
        `Group ${g.index + 1} needs exactly ${plural(g.threshold, 'share')} but ${g.members.length} were given; leave out ${g.members.length - g.threshold}.`,
      );
    }
  }
  const needs = groups
    .filter((g) => g.members.length < g.threshold)
    .map((g) => `group ${g.index + 1} needs ${plural(g.threshold - g.members.length, 'more share')}`);
  const missingGroups = groupThreshold - groups.length;
  if (missingGroups > 0) {
    needs.push(`shares from ${plural(missingGroups, 'more group')} are needed (any ${groupThreshold} of the ${groupCount} groups)`);
  }
  if (needs.length > 0) {
    throw new CustosError('SHARES_INSUFFICIENT', `Not enough shares to recover the secret: ${needs.join('; ')}.`);
  }
}

function recoverGroup(group: Group): Point {
  const points = group.members.map((m) => ({ x: m.share.memberIndex, y: m.share.value }));
  try {
    return { x: group.index, y: recoverShares(group.threshold, points) };
  } catch (error) {
    if (isCustosError(error) && error.code === 'SHARE_DIGEST') {
      throw new CustosError('SHARE_DIGEST', `Group ${group.index + 1}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** The encrypted master secret (EMS) of a set of shares, with what decrypting it needs besides the passphrase. */
export interface EncryptedSecret extends CipherParams {
  /** Secret material: wipe it when done. */
  readonly encrypted: Uint8Array;
}

/**
 * RecoverEMS of SLIP-0039: the same checks as combineMnemonics (exactly the
 * threshold, one set, digests), without the PBKDF2 decryption. Decryption is a
 * fixed permutation for given parameters and passphrase, so a caller that
 * checks many quorums of one split can compare their EMS and decrypt once.
 */
export function recoverEncryptedSecret(mnemonics: readonly string[]): EncryptedSecret {
  if (mnemonics.length === 0) throw new CustosError('SHARES_INSUFFICIENT', 'No shares were given.');
  const shares = decodeAll(mnemonics);
  const groupPoints: Point[] = [];
  try {
    const first = shares[0];
    if (first === undefined) throw new CustosError('INTERNAL', 'no decoded shares');
    checkSameSet(shares);
    const groups = groupShares(shares);
    const { groupThreshold, groupCount, identifier, extendable, iterationExponent } = first.share;
    checkCounts(groups, groupThreshold, groupCount);
    for (const group of groups) groupPoints.push(recoverGroup(group));
    return { encrypted: recoverShares(groupThreshold, groupPoints), identifier, extendable, iterationExponent };
  } finally {
    wipe(...groupPoints.map((p) => p.y), ...shares.map((s) => s.share.value));
  }
}

/**
 * Recovers the master secret from mnemonics (any order, any case, words may
 * be shortened to four letters). Needs exactly the threshold: GT groups with
 * T_i shares each, as the spec requires. There is no way to tell a wrong
 * passphrase: it yields a different secret, not an error (by design).
 * Throws CustosError with a SHARE_* / SHARES_* code, or INVALID_ARGUMENT
 * for a passphrase that is not printable ASCII.
 */
export function combineMnemonics(mnemonics: readonly string[], passphrase = ''): Uint8Array {
  if (mnemonics.length === 0) throw new CustosError('SHARES_INSUFFICIENT', 'No shares were given.');
  const secretPassphrase = passphraseBytes(passphrase);
  try {
    const { encrypted, ...params } = recoverEncryptedSecret(mnemonics);
    try {
      return decryptMasterSecret(encrypted, secretPassphrase, params);
    } finally {
      wipe(encrypted);
    }
  } finally {
    wipe(secretPassphrase);
  }
}
