/**
 * The shares of a restore in progress, held in the worker only (never in the
 * renderer): each one decoded and checked against the others as it arrives,
 * as `custos paper restore` does when shares are typed at a terminal. A share
 * that fails is refused with its code and the others stay; nothing here ever
 * returns words, only positions and progress.
 */
import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../../core/crypto/bytes.js';
import { requireMasterKeySize } from '../../core/paper/paperVault.js';
import { restoreProgress, restoreSecret, type RestoreProgress } from '../../core/paper/restore.js';
import { decodeInput, type ShareInput } from '../../core/paper/shareSet.js';
import { splitWords } from '../../core/paper/slip39/wordlist.js';

export interface ShareView {
  source: string;
  group: number;
  member: number;
}

export interface ProgressView {
  ceremony: number | null;
  groupThreshold: number | null;
  groupCount: number | null;
  groups: Array<{ group: number; have: number; need: number }>;
  groupsNeeded: number;
  complete: boolean;
  lines: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 of 3 shares, 1 more needed" (group by group when there are several), then the groups still missing. */
function progressLines(p: RestoreProgress): string[] {
  const single = p.groupCount === 1;
  const lines = p.groups.map((g) => {
    const state = g.have >= g.need ? 'complete' : `${g.need - g.have} more needed`;
    return `${single ? '' : `Group ${g.index + 1}: `}${g.have} of ${g.need} shares, ${state}`;
  });
  const partial = p.groups.filter((g) => g.have < g.need).length;
  if (!single && p.groupThreshold !== null && p.groupsNeeded > partial) {
    lines.push(`${plural(p.groupsNeeded - partial, 'more group')} needed (any ${p.groupThreshold} of the ${p.groupCount ?? '?'} groups)`);
  }
  if (p.complete) lines.push('Enough shares to restore the master key.');
  return lines;
}

export class ShareSession {
  private shares: ShareInput[] = [];
  private positions: Array<{ group: number; member: number }> = [];

  get inputs(): readonly ShareInput[] {
    return this.shares;
  }

  /** Keeps one share, or throws its SHARE_* / SHARES_* error and keeps the others as they were. */
  add(words: string, source: string): void {
    const text = splitWords(words).join(' ');
    if (text.length === 0) throw new CustosError('SHARE_LENGTH', `${source}: no words were given`);
    const decoded = decodeInput({ source, text });
    wipe(decoded.share.value);
    const candidate = { source, text };
    const progress = restoreProgress([...this.shares, candidate]);
    const repeat = progress.notes.find((note) => note.startsWith(`${source} `));
    if (repeat !== undefined) {
      throw new CustosError('SHARE_DUPLICATE', `${repeat.replace('; it was counted once', '')}: it is in already. Bring another custodian's share`);
    }
    const conflict = progress.problems.find((p) => p.code !== 'SHARES_TOO_MANY');
    if (conflict !== undefined) {
      throw new CustosError(conflict.code, `not kept: ${conflict.message}. The ${plural(this.shares.length, 'share')} given before are kept`);
    }
    this.shares.push(candidate);
    this.positions.push({ group: decoded.share.groupIndex + 1, member: decoded.share.memberIndex + 1 });
  }

  remove(index: number): void {
    if (index >= this.shares.length) throw new CustosError('INVALID_ARGUMENT', `there is no share ${index + 1}`);
    this.shares.splice(index, 1);
    this.positions.splice(index, 1);
  }

  /** Drops every share. JavaScript strings cannot be wiped; dropping the references is what it allows. */
  clear(): void {
    this.shares = [];
    this.positions = [];
  }

  count(prefix: string): number {
    return this.shares.filter((s) => s.source.startsWith(prefix)).length;
  }

  view(): { shares: ShareView[]; progress: ProgressView } {
    const p = restoreProgress(this.shares);
    return {
      shares: this.shares.map((s, i) => ({ source: s.source, ...(this.positions[i] ?? { group: 1, member: 1 }) })),
      progress: {
        ceremony: p.ceremony,
        groupThreshold: p.groupThreshold,
        groupCount: p.groupCount,
        groups: p.groups.map((g) => ({ group: g.index + 1, have: g.have, need: g.need })),
        groupsNeeded: p.groupsNeeded,
        complete: p.complete,
        lines: progressLines(p),
      },
    };
  }

  /** The master key, spec-exact from every share given (and the SLIP-0039 passphrase, if any). The caller wipes it. */
  recover(passphrase = ''): { masterKey: Uint8Array; identifier: number } {
    if (this.shares.length === 0) throw new CustosError('SHARES_INSUFFICIENT', 'no shares were given yet');
    const result = restoreSecret(this.shares, passphrase);
    try {
      return { masterKey: requireMasterKeySize(result.secret), identifier: result.identifier };
    } catch (error) {
      wipe(result.secret);
      throw error;
    }
  }
}
