import { Command } from 'commander';
import type { CliIo } from '../../io.js';
import { paperCheckCommand } from './check.js';
import { paperRestoreCommand } from './restore.js';
import { paperSplitCommand } from './split.js';

export function paperCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('paper')
    .description('paper backups of the master key: SLIP-0039 shares on printed sheets')
    .addHelpText(
      'after',
      `
Examples:
  custos paper split --threshold 3 --shares 5 --custodian Ana --custodian Ben --out /media/usb/sheets
  custos paper check --qr-image scan.png
  custos paper restore --qr-image s1.pdf --qr-image s2.pdf --qr-image s3.pdf      # shows the key check, writes nothing

Run "custos paper <command> --help" for each command.`,
    )
    .addCommand(paperSplitCommand(io))
    .addCommand(paperCheckCommand(io, setExitCode))
    .addCommand(paperRestoreCommand(io));
}
