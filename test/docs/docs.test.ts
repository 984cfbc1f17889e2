import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';
import { runCli } from '../../src-main/cli/main.js';
import type { CliIo } from '../../src-main/cli/io.js';

async function help(path: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const io: CliIo = {
    out: (t) => void (text += t),
    err: (t) => void (text += t),
    env: {},
    interactive: false,
    stderrIsTTY: false,
    readStdin: async () => '',
    promptHidden: async () => '',
    prompt: async () => '',
  };
  const code = await runCli([...path, '--help'], io);
  return { code, text };
}

/** Every `npx custos ...` line in the README's code blocks, split into words (comments dropped). */
function readmeCommands(): string[][] {
  const readme = readFileSync('README.md', 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((b) => b.split('\n'))
    .flatMap((line) => [...line.matchAll(/npx custos ([^#)"]*)/g)].map((m) => (m[1] ?? '').trim().split(/\s+/)))
    .filter((words) => words.length > 0 && words[0] !== '');
}

describe('README', () => {
  const commands = readmeCommands();

  it('shows a good number of commands', () => {
    expect(commands.length).toBeGreaterThan(10);
  });

  it('names only commands that exist, with options their --help lists', async () => {
    for (const words of commands) {
      // The command path is the leading run of words that are subcommand names.
      const commandPath: string[] = [];
      for (const word of words) {
        if (word.startsWith('-')) break;
        const attempt = await help([...commandPath, word]);
        if (attempt.code !== 0 || !attempt.text.includes(`Usage: custos ${[...commandPath, word].join(' ')}`)) break;
        commandPath.push(word);
      }
      const first = words[0] ?? '';
      if (!first.startsWith('-')) expect(commandPath, words.join(' ')).toContain(first);
      const { text } = await help(commandPath);
      for (const flag of words.filter((w) => w.startsWith('--') && w !== '--help')) {
        expect(text, `${words.join(' ')}: ${flag}`).toContain(flag);
      }
    }
  });
});

describe('docs/errors.md', () => {
  it('documents every error code', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(doc, `${code} missing: run npm run docs:errors`).toContain(`\`${code}\``);
  });
});
