import { Command, Option } from 'commander';
import { readAccessKeysFile } from '../../core/bundle/accessKeys.js';
import { CONFLICT_POLICIES, importBundle, type ConflictPolicy, type ImportReport } from '../../core/bundle/import.js';
import { BundleReader } from '../../core/bundle/reader.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit } from '../output.js';
import { progressBar } from '../progress.js';

interface ImportOptions extends CommonOptions {
  bundle: string;
  accessKeys: string;
  onConflict: ConflictPolicy;
}

export function importCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('import'))
    .description('import a bundle into this keystore: verified, re-sealed under this keystore\'s master key, in one transaction')
    .requiredOption('--bundle <file>', 'bundle written by custos export')
    .requiredOption('--access-keys <file>', 'the access keys written with that bundle')
    .addOption(new Option('--on-conflict <policy>', 'a key that exists already: fail (nothing is written), skip it, or replace it').choices(CONFLICT_POLICIES).default('fail'))
    .addHelpText(
      'after',
      `
The signature, format version and every key's fingerprint are checked; if anything
is wrong (a changed byte, a short file, access keys of another export) nothing is
written and the keystore is left byte for byte as it was.

Examples:
  # on a restore host, into the keystore that 'custos paper restore --init' made:
  custos import --keystore restored.db --master-key-file restored.key --bundle keys.bundle --access-keys keys.access.json
  # into a vault that already has some of the keys: keep those, add the rest
  custos import --bundle keys.bundle --access-keys keys.access.json --on-conflict skip`,
    )
    .action(async (options: ImportOptions) => {
      const accessKeys = readAccessKeysFile(options.accessKeys);
      const reader = new BundleReader(options.bundle);
      try {
        // Wrong access keys are reported before the keystore is unlocked.
        reader.checkAccessKeys(accessKeys);
        const bar = progressBar(io, 'importing', !options.json);
        const report = await withKeystore(options, io, (ks) => importBundle(ks, reader, accessKeys, { onConflict: options.onConflict, onProgress: bar.update })).finally(() =>
          bar.finish(),
        );
        emit(io, options, report, () =>
          [
            `imported ${report.keys} keys (${report.versions} versions) from bundle ${report.pairFingerprint}`,
            ...(report.skipped > 0 ? [`skipped ${report.skipped} keys that exist already`] : []),
            ...(report.replaced > 0 ? [`replaced ${report.replaced} existing keys`] : []),
            ...(report.publicOnlyVersions > 0 ? [`${report.publicOnlyVersions} versions hold public parts only (no private material was imported)`] : []),
            ...vaultLines(report.vault),
          ].join('\n'),
        );
      } finally {
        reader.close();
        wipe(accessKeys.encryptionKey);
      }
    });
}

/** What the bundle's vault records did here (v2 bundles). */
function vaultLines(v: ImportReport['vault']): string[] {
  if (!v) return [];
  const lines = [`source vault ${v.sourceVault ?? '(unknown)'} (${v.sameVault ? 'this vault' : 'another vault'})`];
  if (v.adoptedName) lines.push(`vault name set to "${v.adoptedName}" (from the bundle)`);
  if (v.ceremonies.length > 0) {
    const note = v.sameVault ? '' : " (kept as history: another vault's sheets are never genuine here)";
    lines.push(`imported paper ceremonies: ${v.ceremonies.map((id) => `ceremony ${id}`).join(', ')}${note}`);
  }
  if (v.skippedCeremonies.length > 0) lines.push(`already recorded here: ${v.skippedCeremonies.map((id) => `ceremony ${id}`).join(', ')}`);
  if (v.unverifiedTagKeys.length > 0) {
    lines.push(`superseded ceremonies whose tag key is not this master key's (their old sheets are never called genuine here): ${v.unverifiedTagKeys.map((id) => `ceremony ${id}`).join(', ')}`);
  }
  if (v.auditHistory) lines.push('imported the source audit history (see custos audit verify --head)');
  return lines;
}
