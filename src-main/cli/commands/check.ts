import { Command } from 'commander';
import { checkKeystore } from '../../core/check/check.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit, EXIT } from '../output.js';
import { progressBar } from '../progress.js';

export function checkCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withKeystoreOptions(new Command('check'))
    .description('open every sealed record and report each problem (exit 1 if any)')
    .addHelpText('after', '\nExamples:\n  custos check --master-key-file master.key\n  custos check --keystore vault/custos.db --json')
    .action(async (options: CommonOptions) => {
      const bar = progressBar(io, 'checking', !options.json);
      const report = await withKeystore(options, io, (ks) => checkKeystore(ks, bar.update));
      bar.finish();
      const ok = report.problems.length === 0;
      emit(io, options, { ok, ...report }, () =>
        [
          ...report.problems.map((p) => `problem ${p.code}: ${p.name ?? '(keystore)'}${p.version ? ` v${p.version}` : ''}: ${p.message}`),
          `${ok ? 'ok' : 'FAILED'}: ${report.opened} records opened, ${report.destroyed} destroyed, ${report.problems.length} problems`,
        ].join('\n'),
      );
      if (!ok) setExitCode(EXIT.failure);
    });
}
