import { CommanderError } from 'commander';
import { CustosError } from '../../shared/errors.js';
import type { CliIo } from './io.js';
import { reportError, toCustosError } from './output.js';
import { buildProgram } from './program.js';

/** Runs one command line and returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const json = argv.includes('--json');
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return 2;
      return reportError(io, json, new CustosError('INVALID_ARGUMENT', error.message.replace(/^error: /, '')));
    }
    const custosError = toCustosError(error);
    if (custosError.code === 'INTERNAL' && io.env['CUSTOS_DEBUG'] && error instanceof Error) io.err(`${error.stack ?? ''}\n`);
    return reportError(io, json, custosError);
  }
}
