import { Command } from 'commander';
import { wipe } from '../../core/crypto/bytes.js';
import { OutputFile } from '../../core/files/outputFile.js';
import { encodeMasterKey, generateMasterKey } from '../../core/masterkey/masterKey.js';
import type { CliIo } from '../io.js';
import { emit } from '../output.js';
import { masterKeyRotateCommand } from './masterKeyRotate.js';

/** Written under a temporary name and linked into place, mode 0600, never over an existing file. */
function writeNewFile(path: string, text: string): void {
  const file = new OutputFile(path, false);
  try {
    file.write(Buffer.from(text));
    file.publish();
  } finally {
    file.discard();
  }
}

export function masterKeyCommand(io: CliIo): Command {
  const command = new Command('master-key')
    .description('generate master keys, or rotate a keystore\'s master key')
    .addHelpText('after', '\nExamples:\n  custos master-key generate --out master.key\n  custos master-key rotate --master-key-file master.key --new-master-key-file new.key');
  command
    .command('generate')
    .description('generate a new random 32-byte master key, base64, as acra-keymaker does')
    .option('--out <file>', 'write it to a new file (mode 0600) instead of standard output')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nThe key is printed because you asked for it. Anyone who holds it can open every keystore it protects.\n' +
        '\nExamples:\n  custos master-key generate --out master.key\n  export CUSTOS_MASTER_KEY="$(custos master-key generate)"',
    )
    .action((options: { out?: string; json?: boolean }) => {
      const key = generateMasterKey();
      const text = encodeMasterKey(key);
      wipe(key);
      if (options.out) {
        writeNewFile(options.out, `${text}\n`);
        emit(io, options, { path: options.out }, () => `wrote a new master key to ${options.out} (mode 0600)`);
      } else {
        emit(io, options, { masterKey: text }, () => text);
      }
    });
  command.addCommand(masterKeyRotateCommand(io));
  return command;
}
