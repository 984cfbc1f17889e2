import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { splitSecret } from '../../src-main/core/paper/slip39/index.js';
import { wordIndex } from '../../src-main/core/paper/slip39/wordlist.js';
import { promptShares } from '../../src-main/cli/commands/paper/typedShares.js';
import { fakeIo, runInteractive } from '../helpers/cli.js';
import { expectOk } from './fixtures.js';

const secret = new Uint8Array(randomBytes(32));
const base64 = Buffer.from(secret).toString('base64');
/** 2 of 3 groups needed: group 1 is 2-of-3, group 2 is 3-of-5, group 3 is 2-of-2. */
const split = splitSecret({ secret, groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 3, count: 5 }, { threshold: 2, count: 2 }], iterationExponent: 0 });
const share = (group: number, member: number) => split[group - 1]?.[member - 1] ?? '';

/** The share with word `position` (1-based) misspelled by dropping a letter, so it is no word of the list. */
function misspell(mnemonic: string, position: number): { text: string; typo: string; word: string } {
  const words = mnemonic.split(' ');
  const word = words[position - 1] ?? '';
  for (let cut = 1; cut < word.length; cut++) {
    const typo = word.slice(0, cut) + word.slice(cut + 1);
    if (wordIndex(typo) === null) {
      words[position - 1] = typo;
      return { text: words.join(' '), typo, word };
    }
  }
  throw new Error('no misspelling found');
}

describe('typed restore at a terminal', () => {
  it('asks again for a wrong word only, keeps accepted shares when one fails, says what each group needs, and stops at the quorum', async () => {
    const { text: typoShare, typo, word } = misspell(share(1, 1), 7);
    const swapped = share(2, 1).split(' ');
    [swapped[5], swapped[6]] = [swapped[6] ?? '', swapped[5] ?? ''];
    const other = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], iterationExponent: 0 })[0]?.[0] ?? '';
    const answers = [typoShare, word, share(1, 3), swapped.join(' '), share(2, 1), share(1, 3).toUpperCase(), other, share(2, 4), share(2, 2)];
    const result = expectOk(await runInteractive(['paper', 'restore', '--print'], { answers }));
    expect(result.stdout.trim()).toBe(base64);
    expect(result.prompts.map((p) => p.question.replace(/ \(closest: [^)]*\)/, ''))).toEqual([
      'Share 1: ',
      `  word 7 '${typo}' is not in the list; type word 7 again (empty to retype the share): `,
      'Share 2: ',
      'Share 3: ',
      'Share 3: ',
      'Share 4: ',
      'Share 4: ',
      'Share 4: ',
      'Share 5: ',
    ]);
    // Every answer was used: no empty line was needed to finish.
    expect(result.prompts).toHaveLength(answers.length);
    expect(result.prompts.every((p) => p.hidden)).toBe(true);
    // The closest words are offered at the terminal, in the prompt.
    expect(result.prompts[1]?.question).toContain(word);
    const lines = result.stderr.split('\n');
    expect(lines).toContain('  ok: group 1 needs 1 more share; 1 more group needed (any 2 of the 3 groups)');
    expect(lines).toContain('  ok: 1 more group needed (any 2 of the 3 groups)');
    expect(result.stderr).toMatch(/SHARE_CHECKSUM: .* Type the whole share again\./);
    expect(lines).toContain('  ok: group 2 needs 2 more shares');
    expect(lines).toContain('  this is the same share as typed share 2; it was counted once; type another share');
    expect(result.stderr).toMatch(/not kept: SHARES_MISMATCH: these shares come from 2 different ceremonies: .*\. The 3 shares typed before are kept\./);
    expect(lines).toContain('  ok: group 2 needs 1 more share');
    expect(lines).toContain('  ok: enough shares to restore');
  });

  it('a 1-of-1 share stops at once; --json output holds no suggestion', async () => {
    const single = splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], iterationExponent: 0 })[0]?.[0] ?? '';
    const { text, word } = misspell(single, 3);
    const result = expectOk(await runInteractive(['paper', 'restore', '--print', '--json'], { answers: [text, word] }));
    expect(result.prompts).toHaveLength(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ secret: base64 });
    expect(result.stdout).not.toContain(word);
  });

  it('an empty line finishes early, and too few shares is SHARES_INSUFFICIENT', async () => {
    const result = await runInteractive(['paper', 'restore', '--print'], { answers: [share(3, 1), ''] });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nerror SHARES_INSUFFICIENT: .*group 3 has 1 of 2 and needs 1 more share/);
    expect(result.stderr).toContain('  ok: group 3 needs 1 more share; 1 more group needed (any 2 of the 3 groups)');
    expect(result.stdout).toBe('');
  });

  it('with a limit of one (a command that checks one share) it asks once and does not count quorums', async () => {
    const { io, result } = fakeIo({ answers: [share(2, 3)] });
    expect(await promptShares(io, 1)).toEqual([{ source: 'typed share 1', text: share(2, 3) }]);
    expect(result().prompts).toHaveLength(1);
    expect(result().stderr).toBe('Type the share (the first four letters of each word are enough).\n  ok\n');
  });
});
