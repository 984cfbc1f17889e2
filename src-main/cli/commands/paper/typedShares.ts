import { CustosError } from '../../../../shared/errors.js';
import { wipe } from '../../../core/crypto/bytes.js';
import { restoreProgress, type RestoreProgress, type ShareInput } from '../../../core/paper/restore.js';
import { decodeMnemonic, suggest, wordIndex } from '../../../core/paper/slip39/index.js';
import { splitWords } from '../../../core/paper/slip39/wordlist.js';
import type { CliIo } from '../../io.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "group 1 needs 1 more share; 1 more group needed (any 2 of the 3 groups)", or that the quorum is in. */
export function progressLine(p: RestoreProgress): string {
  if (p.complete) return 'enough shares to restore';
  const single = p.groupCount === 1;
  const parts = p.groups.filter((g) => g.have < g.need).map((g) => `${single ? '' : `group ${g.index + 1} `}needs ${plural(g.need - g.have, 'more share')}`);
  const partial = parts.length;
  if (!single && p.groupThreshold !== null && p.groupsNeeded > partial) {
    parts.push(`${plural(p.groupsNeeded - partial, 'more group')} needed (any ${p.groupThreshold} of the ${p.groupCount} groups)`);
  }
  return parts.join('; ');
}

/**
 * One share, word by word: an unknown word is asked for again on its own,
 * by position, until it is a word of the list. The closest words are shown
 * here only, at the terminal: they are very often the right word, so they are
 * share material and never go into --json output or a log. Returns null for
 * an empty line (finish), 'again' when the person gave up on this share.
 */
async function typeShare(io: CliIo, n: number): Promise<string | null | 'again'> {
  const text = (await io.promptHidden(`Share ${n}: `)).trim();
  if (text.length === 0) return null;
  const words = splitWords(text);
  for (let i = 0; i < words.length; i++) {
    for (let typed = words[i] ?? ''; wordIndex(typed) === null; typed = words[i] ?? '') {
      const close = suggest(typed);
      const hint = close.length > 0 ? ` (closest: ${close.join(', ')})` : '';
      const again = (await io.promptHidden(`  word ${i + 1} '${typed}' is not in the list${hint}; type word ${i + 1} again (empty to retype the share): `)).trim().toLowerCase();
      if (again.length === 0) return 'again';
      words[i] = again;
    }
  }
  return words.join(' ');
}

/** Why a typed share cannot be used on its own (length, checksum, ...), or null when it decodes. */
function decodeProblem(text: string): string | null {
  try {
    wipe(decodeMnemonic(text).value);
    return null;
  } catch (error) {
    if (error instanceof CustosError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

/**
 * At a terminal: shares typed one at a time, hidden. A share that fails is
 * typed again while every share accepted before it is kept; a repeat or a
 * share that does not fit the others is refused with the reason; after each
 * share the person is told what is still needed, and asking stops as soon as
 * the quorum is in (an empty line finishes early), or once `limit` shares are.
 */
export async function promptShares(io: CliIo, limit = Number.POSITIVE_INFINITY): Promise<ShareInput[]> {
  const accepted: ShareInput[] = [];
  io.err(
    limit === 1
      ? 'Type the share (the first four letters of each word are enough).\n'
      : 'Type each share (the first four letters of each word are enough). Asking stops once enough shares are in; an empty line finishes early.\n',
  );
  for (;;) {
    const text = await typeShare(io, accepted.length + 1);
    if (text === null) break;
    if (text === 'again') continue;
    const problem = decodeProblem(text);
    if (problem !== null) {
      io.err(`  ${problem} Type the whole share again.\n`);
      continue;
    }
    const candidate = { source: `typed share ${accepted.length + 1}`, text };
    const progress = restoreProgress([...accepted, candidate]);
    const repeat = progress.notes.find((note) => note.startsWith(`${candidate.source} `));
    if (repeat !== undefined) {
      io.err(`  ${repeat.replace(candidate.source, 'this')}; type another share\n`);
      continue;
    }
    const conflict = progress.problems.find((p) => p.code !== 'SHARES_TOO_MANY');
    if (conflict !== undefined) {
      io.err(`  not kept: ${conflict.code}: ${conflict.message}. The ${plural(accepted.length, 'share')} typed before are kept.\n`);
      continue;
    }
    accepted.push(candidate);
    io.err(limit === 1 ? '  ok\n' : `  ok: ${progressLine(progress)}\n`);
    for (const p of progress.problems) io.err(`  ${p.message}\n`);
    if (progress.complete || accepted.length >= limit) break;
  }
  return accepted;
}
