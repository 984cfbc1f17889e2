import { equalBytes, toHex } from '../crypto/bytes.js';
import { HASH_BYTES, type AuditHeadRow, type AuditRow } from './entry.js';
import { EntryHasher } from './fastChain.js';
import type { AuditKeys } from './keys.js';

export const PROBLEM_KINDS = ['edited', 'removed', 'inserted', 'reordered', 'truncated', 'forked', 'head-missing', 'head-forged', 'signature', 'head-unknown', 'head-unverified'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** The first thing found wrong: its kind, the sequence number it concerns, and why, in words. */
export interface AuditProblem {
  kind: ProblemKind;
  seq: number;
  reason: string;
}

/** A head seen earlier (on a paper sheet, a transcript, `custos audit head`): seq and a hex prefix of its hash. */
export interface ExternalHead {
  seq: number;
  hash: string;
}

export interface VerifyOutcome {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  problem: AuditProblem | null;
}

/** How rows are authenticated: by MAC in a keystore, by hash (and a signature over the head) in a transcript. */
export interface EntryCheck {
  readonly keyed: boolean;
  /** The row, placed at `seq`, hashes to its stored hash and (keyed) carries the MAC for that position. */
  authentic(row: AuditRow, seq: number): boolean;
  headAuthentic(head: AuditHeadRow): boolean;
  /** Drops what the check derived from its keys, once verification is over. */
  dispose?(): void;
}

const isHash = (value: unknown): value is Uint8Array => value instanceof Uint8Array && value.length === HASH_BYTES;

/** Shared by every check in this thread: verification is synchronous, so no two uses interleave. */
const hasher = new EntryHasher();

function hashMatches(row: AuditRow, seq: number): boolean {
  return hasher.matches(row, seq);
}

export function keyedCheck(keys: AuditKeys): EntryCheck {
  const macs = keys.entryMacVerifier();
  return {
    keyed: true,
    authentic: (row, seq) => hashMatches(row, seq) && macs.ok(seq, row.hash, row.mac),
    headAuthentic: (head) => keys.headMacOk(head),
    dispose: () => macs.dispose(),
  };
}

/** For transcripts: the signature covers the head, and the hash chain covers every entry up to it. */
export const hashOnlyCheck: EntryCheck = { keyed: false, authentic: hashMatches, headAuthentic: (head) => isHash(head.hash) };

/**
 * The first pass's result when every row fitted, from a faster walk than the
 * one below (verifyBatches.ts): how many rows, the last one's hash, and the
 * hash of the entry at the external head's seq (if that is among them).
 */
export interface Walked {
  last: number;
  prev: Uint8Array;
  externalHash: Uint8Array | null;
}

/**
 * Walks the log once, in order, keeping only the running hash; at the first
 * entry that does not fit it re-reads the rows (`source` is called again) to
 * say what happened there. Then it checks the head, and an external head when
 * given. Every tampering except a whole older copy is caught from the rows and
 * the authenticated head alone; an older copy is caught by the external head.
 * `walked`, when given, stands for that first pass: every row already fitted.
 */
export function verifyChain(source: () => Iterable<AuditRow>, head: AuditHeadRow | null, genesis: Uint8Array, check: EntryCheck, external?: ExternalHead, walked?: Walked): VerifyOutcome {
  let prev = walked?.prev ?? genesis;
  let expected = walked ? walked.last + 1 : 1;
  let externalHash: Uint8Array | null = walked?.externalHash ?? null;
  const fail = (problem: AuditProblem): VerifyOutcome => ({ ok: false, entries: expected - 1, head: head && isHash(head.hash) ? { seq: head.seq, hash: toHex(head.hash) } : null, problem });
  let broken = false;
  for (const row of walked ? [] : source()) {
    if (row.seq === expected && check.authentic(row, expected) && isHash(row.prev) && equalBytes(row.prev, prev)) {
      prev = row.hash;
      if (external?.seq === expected) externalHash = row.hash;
      expected++;
      continue;
    }
    broken = true;
    break; // closes the first pass (a database cursor) before the rows are read again
  }
  if (broken) return fail(classify([...source()], expected - 1, prev, check, head));
  const last = expected - 1;
  if (!head) return fail({ kind: 'head-missing', seq: last, reason: `the log has no head${last === 0 ? ' and no entries: they were deleted' : ': it was deleted'}` });
  if (!check.headAuthentic(head)) return fail({ kind: 'head-forged', seq: last, reason: 'the head fails its MAC: it was edited' });
  if (head.seq > last) {
    return fail({ kind: 'truncated', seq: last + 1, reason: `the head records ${head.seq} entries but the log ends at ${last}: ${span(last + 1, head.seq)} removed from the end` });
  }
  if (head.seq < last) return fail({ kind: 'head-forged', seq: head.seq, reason: `the head (seq ${head.seq}) is older than the log (seq ${last}): it was replaced with an earlier copy` });
  if (!equalBytes(head.hash, prev)) return fail({ kind: 'forked', seq: last, reason: `the head's hash is not entry ${last}'s: the log and its head come from different histories` });
  if (external) {
    if (external.seq > last) {
      return fail({ kind: 'truncated', seq: last + 1, reason: `a head taken earlier shows seq ${external.seq}, but this log ends at ${last}: it is an older copy of the keystore, or its newest entries were cut off with the head` });
    }
    const seen = external.seq === 0 ? genesis : externalHash;
    if (!seen || !toHex(seen).startsWith(external.hash.toLowerCase())) {
      return fail({ kind: 'forked', seq: external.seq, reason: `entry ${external.seq}'s hash differs from the head taken earlier (${external.hash}): this log is not the one that head came from` });
    }
  }
  return { ok: true, entries: last, head: { seq: head.seq, hash: toHex(head.hash) }, problem: null };
}

function span(from: number, to: number): string {
  return from === to ? `entry ${from} was` : `entries ${from}-${to} were`;
}

/** Names what happened at position `p` (0-based), where entry `p + 1` was expected to follow `prev`. */
function classify(rows: readonly AuditRow[], p: number, prev: Uint8Array, check: EntryCheck, head: AuditHeadRow | null): AuditProblem {
  const e = p + 1;
  const row = rows[p] as AuditRow;
  const count = (seq: number) => rows.reduce((n, r) => n + (r.seq === seq ? 1 : 0), 0);
  const laterHas = (seq: number) => rows.some((r, i) => i > p && r.seq === seq);
  const moved = (): number | null => movedFrom(rows, row, e, check);
  const beyondHead = head !== null && Number.isInteger(head.seq) && row.seq > head.seq;
  const seqText = Number.isInteger(row.seq) ? String(row.seq) : JSON.stringify(row.seq);

  if (row.seq === e) {
    if (check.authentic(row, e)) {
      if (!check.keyed) return { kind: 'edited', seq: e - 1, reason: `entry ${e - 1} was changed and its hash recomputed: entry ${e} no longer links to it` };
      return { kind: 'inserted', seq: e, reason: `entry ${e} is authentic but does not follow entry ${e - 1}: it comes from another history of this log` };
    }
    const next = rows[p + 1];
    if (next && next.seq === e && check.authentic(next, e) && isHash(next.prev) && equalBytes(next.prev, prev)) {
      return { kind: 'inserted', seq: e, reason: `a forged entry numbered ${e} was inserted before the real entry ${e}` };
    }
    if (beyondHead) return { kind: 'inserted', seq: e, reason: `entry ${e} is beyond the authenticated head and is not authentic: it was added` };
    const from = moved();
    if (from !== null) return { kind: 'reordered', seq: e, reason: `the contents of entry ${from} are stored as entry ${e}` };
    return { kind: 'edited', seq: e, reason: `entry ${e} was changed: its ${check.keyed ? 'hash or MAC' : 'hash'} no longer matches its contents` };
  }
  if (check.authentic(row, e)) return { kind: 'edited', seq: e, reason: `entry ${e}'s sequence number was changed to ${seqText}` };
  const ownAuthentic = Number.isInteger(row.seq) && row.seq > 0 && check.authentic(row, row.seq);
  if (row.seq > e) {
    if (!ownAuthentic) {
      if (count(row.seq) > 1 || beyondHead) return { kind: 'inserted', seq: e, reason: `a forged entry numbered ${seqText} was inserted after entry ${e - 1}` };
      const from = moved();
      if (from !== null) return { kind: 'reordered', seq: e, reason: `the contents of entry ${from} are stored where entry ${e} belongs` };
      return { kind: 'edited', seq: e, reason: `the entry after ${e - 1} (numbered ${seqText}) was changed: it matches no position` };
    }
    if (count(row.seq) > 1) return { kind: 'inserted', seq: e, reason: `a copy of entry ${row.seq} was inserted after entry ${e - 1}` };
    if (laterHas(e)) return { kind: 'reordered', seq: e, reason: `entry ${row.seq} comes before entry ${e}: entries were swapped or moved` };
    return { kind: 'removed', seq: e, reason: `${span(e, row.seq - 1)} removed: entry ${e - 1} is followed by entry ${row.seq}` };
  }
  if (ownAuthentic) {
    const accepted = rows[row.seq - 1];
    if (accepted && accepted.seq === row.seq && isHash(accepted.hash) && equalBytes(accepted.hash, row.hash)) {
      return { kind: 'inserted', seq: e, reason: `a copy of entry ${row.seq} was inserted after entry ${e - 1}` };
    }
    return { kind: 'inserted', seq: e, reason: `an entry ${row.seq} from another history of this log was inserted after entry ${e - 1}` };
  }
  return { kind: 'inserted', seq: e, reason: `a forged entry numbered ${seqText} was inserted after entry ${e - 1}` };
}

/**
 * Where a row's contents really belong, if they are authentic at another
 * position: the neighbours' links name the likely candidates (the entry whose
 * `prev` is this row's hash follows it; the entry whose hash is this row's
 * `prev` precedes it), so only a handful of MACs are computed.
 */
function movedFrom(rows: readonly AuditRow[], row: AuditRow, e: number, check: EntryCheck): number | null {
  const candidates = new Set<number>([e - 1, e + 1]);
  if (Number.isInteger(row.seq)) [row.seq - 1, row.seq + 1].forEach((s) => candidates.add(s));
  for (const r of rows) {
    if (!Number.isInteger(r.seq)) continue;
    if (isHash(row.hash) && isHash(r.prev) && equalBytes(r.prev, row.hash)) candidates.add(r.seq - 1);
    if (isHash(row.prev) && isHash(r.hash) && equalBytes(r.hash, row.prev)) candidates.add(r.seq + 1);
  }
  for (const s of candidates) if (s >= 1 && s !== e && check.authentic(row, s)) return s;
  return null;
}
