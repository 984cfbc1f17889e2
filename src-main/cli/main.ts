import { CommanderError } from 'commander';
import { CustosError } from '../../shared/errors.js';
import type { CliIo } from './io.js';
import { reportError, toCustosError } from './output.js';
import { buildProgram } from './program.js';

/** Runs one command line and returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const json = argv.includes('--json');
  try {
    const program = await buildProgram(
      io,
      (code) => {
        exitCode = code;
      },
      argv,
    );
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return 2;
      return reportError(io, json, new CustosError('INVALID_ARGUMENT', error.message.replace(/^error: /, '')));
    }
    const custosError = await withSuggestions(toCustosError(error), error, io, json);
    if (custosError.code === 'INTERNAL' && io.env['CUSTOS_DEBUG'] && error instanceof Error) io.err(`${error.stack ?? ''}\n`);
    return reportError(io, json, custosError);
  }
}

/**
 * The closest words to a mistyped share word are likely the real word, so
 * they are shown only to a person at a terminal, never in JSON or a log.
 */
async function withSuggestions(custosError: CustosError, original: unknown, io: CliIo, json: boolean): Promise<CustosError> {
  if (json || !io.stderrIsTTY) return custosError;
  // The SLIP-0039 word list is loaded only here, where a share word was wrong, not at every start.
  const { wordSuggestions } = await import('../core/paper/slip39/index.js');
  const found = wordSuggestions(original);
  if (!found) return custosError;
  const hint = found.suggestions.length > 0 ? ` Did you mean ${found.suggestions.map((w) => `"${w}"`).join(', ')}?` : ' No word in the list is close to it.';
  return new CustosError(custosError.code, `${custosError.message}${hint}`);
}
