import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../../shared/errors.js';
import { wipe } from '../../crypto/bytes.js';
import { MAX_ITERATION_EXPONENT, encryptMasterSecret, passphraseBytes } from './cipher.js';
import { MAX_SHARE_COUNT, splitShares } from './shamir.js';
import { encodeShare } from './share.js';

export interface GroupSpec {
  /** Shares of this group needed to rebuild it (1..count). */
  readonly threshold: number;
  /** Shares made for this group (1..16; exactly 1 when the threshold is 1). */
  readonly count: number;
}

export interface SplitOptions {
  /** The master secret: at least 16 bytes, an even number of bytes. Not modified. */
  readonly secret: Uint8Array;
  /** Groups needed to recover the secret (1..groups.length). */
  readonly groupThreshold: number;
  readonly groups: readonly GroupSpec[];
  /** Printable ASCII only; default empty. Any passphrase "works" on recovery, so a typo yields a different secret. */
  readonly passphrase?: string;
  /** PBKDF2 cost 10000 × 2^e; default 1. */
  readonly iterationExponent?: number;
  /** Default true, as the current spec says new shares should be. */
  readonly extendable?: boolean;
  /**
   * 15-bit identifier; default random. Leave it unset outside tests: a fresh
   * identifier is what lets shares of different splits be told apart.
   */
  readonly identifier?: number;
}

function invalid(message: string): CustosError {
  return new CustosError('INVALID_ARGUMENT', message);
}

function checkOptions(options: SplitOptions): void {
  const { secret, groupThreshold, groups } = options;
  if (!(secret instanceof Uint8Array) || secret.length < 16 || secret.length % 2 !== 0) {
    throw invalid('The secret must be at least 16 bytes (128 bits) and an even number of bytes long.');
  }
  if (groups.length < 1 || groups.length > MAX_SHARE_COUNT) throw invalid(`There must be 1 to ${MAX_SHARE_COUNT} groups.`);
  if (!Number.isInteger(groupThreshold) || groupThreshold < 1 || groupThreshold > groups.length) {
    throw invalid(`The group threshold must be from 1 to the number of groups (${groups.length}).`);
  }
  groups.forEach(({ threshold, count }, i) => {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SHARE_COUNT) throw invalid(`Group ${i + 1}: the share count must be from 1 to ${MAX_SHARE_COUNT}.`);
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > count) throw invalid(`Group ${i + 1}: the threshold must be from 1 to the share count (${count}).`);
    // The spec forbids it: the shares would differ only in their index, so
    // it adds nothing over one share handed to several people.
    if (threshold === 1 && count > 1) throw invalid(`Group ${i + 1}: a threshold of 1 requires a count of 1; give the one share to several people instead.`);
  });
  const e = options.iterationExponent;
  if (e !== undefined && (!Number.isInteger(e) || e < 0 || e > MAX_ITERATION_EXPONENT)) {
    throw invalid(`The iteration exponent must be an integer from 0 to ${MAX_ITERATION_EXPONENT}.`);
  }
  const id = options.identifier;
  if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > 0x7fff)) throw invalid('The identifier must be an integer from 0 to 32767.');
}

function randomIdentifier(): number {
  return randomBytes(2).readUInt16BE(0) & 0x7fff;
}

/**
 * GenerateShares of SLIP-0039: encrypts the secret with the passphrase, splits
 * it into groups, and each group into member shares. Returns the mnemonics
 * (words joined by single spaces), one array per group, in member order.
 * Throws INVALID_ARGUMENT on a structure or secret the spec does not allow.
 */
export function splitSecret(options: SplitOptions): string[][] {
  checkOptions(options);
  const { groupThreshold, groups } = options;
  const passphrase = passphraseBytes(options.passphrase ?? '');
  const params = {
    identifier: options.identifier ?? randomIdentifier(),
    extendable: options.extendable ?? true,
    iterationExponent: options.iterationExponent ?? 1,
  };
  const encrypted = encryptMasterSecret(options.secret, passphrase, params);
  wipe(passphrase);
  const groupShares = splitShares(groupThreshold, groups.length, encrypted);
  wipe(encrypted);

  const result = groups.map((group, i) => {
    const groupShare = groupShares[i];
    if (groupShare === undefined) throw new CustosError('INTERNAL', 'missing group share');
    const members = splitShares(group.threshold, group.count, groupShare.y);
    const mnemonics = members.map((member) =>
      encodeShare({
        ...params,
        groupIndex: groupShare.x,
        groupThreshold,
        groupCount: groups.length,
        memberIndex: member.x,
        memberThreshold: group.threshold,
        value: member.y,
      }).join(' '),
    );
    wipe(...members.map((m) => m.y));
    return mnemonics;
  });
  wipe(...groupShares.map((g) => g.y));
  return result;
}
