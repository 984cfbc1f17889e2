import { Command } from 'commander';
import type { CliIo } from '../../io.js';
import { paperCheckCommand } from './check.js';
import { paperRestoreCommand } from './restore.js';
import { paperSplitCommand } from './split.js';

export function paperCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('paper')
    .description('paper backups of the master key: SLIP-0039 shares on printed sheets')
    .addCommand(paperSplitCommand(io))
    .addCommand(paperCheckCommand(io, setExitCode))
    .addCommand(paperRestoreCommand(io));
}
