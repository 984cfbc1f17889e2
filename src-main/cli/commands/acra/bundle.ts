import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { bundleEntries, exportAcraKeysBundle } from '../../../core/acra/acraKeysBundleVault.js';
import type { AcraSelection } from '../../../core/acra/exportKeys.js';
import { importAcraEntries } from '../../../core/acra/importKeys.js';
import { wipe } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { importedKeysText } from './importedKeysText.js';
import { custosIo } from './masterKeyOption.js';

interface BundleFiles extends CommonOptions {
  bundle: string;
  secret: string;
}

interface BundleExportOptions extends BundleFiles {
  clientId?: string[];
  zoneId?: string[];
  global?: boolean;
  force?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CustosError('BUNDLE_IO', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function exportCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('export'))
    .description('write keys as an acra-keys export bundle (keystore v1) and its secret, for acra-keys import')
    .requiredOption('--bundle <file>', 'the bundle to write (acra-keys --key_bundle_file; mode 0600)')
    .requiredOption('--secret <file>', 'its secret to write, 32 raw bytes (acra-keys --key_bundle_secret; mode 0600): keep it apart from the bundle')
    .option('--client-id <id>', "this client id's keys (repeatable)", collect)
    .option('--zone-id <id>', "this zone id's keys, for Acra before 0.95 (repeatable)", collect)
    .option('--global', 'the global keys (poison record, secure log, auth)')
    .option('--force', 'replace existing bundle and secret files')
    .addHelpText(
      'after',
      `
The bundle is what "acra-keys export --all --private_keys" writes: the key files in
the clear (private, symmetric and public, rotated versions under <file>.old/), as a
Go gob list of {Name, Content}, sealed with Themis Secure Cell under a fresh random
32-byte key; the secret file holds that key. No Acra master key is needed: the
target keystore seals the keys under its own when acra-keys imports them.

Examples:
  custos acra bundle export --client-id billing-svc --global --bundle keys.bundle --secret keys.secret
  acra-keys import --key_bundle_file keys.bundle --key_bundle_secret keys.secret --keys_dir .acrakeys`,
    )
    .action(async (options: BundleExportOptions) => {
      const selection: AcraSelection = { clientIds: options.clientId ?? [], zoneIds: options.zoneId ?? [], global: Boolean(options.global) };
      if (selection.clientIds.length + selection.zoneIds.length === 0 && !selection.global) throw new CustosError('INVALID_ARGUMENT', 'choose the keys: --client-id ID, --zone-id ID and/or --global');
      const report = await withKeystore(options, custosIo(io), (ks) => exportAcraKeysBundle(ks, { bundle: options.bundle, secret: options.secret, selection, force: Boolean(options.force) }));
      emit(io, options, report, () =>
        [
          `wrote ${report.entries} key files (${report.keys.length} key versions) to the acra-keys bundle ${report.bundle}`,
          `its secret: ${report.secret} (keep the two files apart)`,
          ...report.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
          `import with: acra-keys import --key_bundle_file ${report.bundle} --key_bundle_secret ${report.secret}`,
        ].join('\n'),
      );
    });
}

function importCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('import'))
    .description('read an acra-keys export bundle (keystore v1) and its secret into this vault')
    .requiredOption('--bundle <file>', 'the bundle (acra-keys --key_bundle_file)')
    .requiredOption('--secret <file>', 'its secret (acra-keys --key_bundle_secret)')
    .addHelpText(
      'after',
      `
The bundle is opened with the secret and every key in it is checked (its name is
one Acra gives a key, its content a key of that kind, each private key against its
public key) before the vault is unlocked; then all keys go in, in one transaction,
or none. A wrong secret or changed bytes are BUNDLE_TAMPERED.

Examples:
  acra-keys export --all --private_keys --key_bundle_file keys.bundle --key_bundle_secret keys.secret
  custos acra bundle import --bundle keys.bundle --secret keys.secret`,
    )
    .action(async (options: BundleFiles) => {
      const bundle = resolve(options.bundle);
      const secret = readInput(options.secret, 'bundle secret');
      let entries;
      try {
        entries = bundleEntries(readInput(bundle, 'bundle'), secret);
      } finally {
        wipe(secret);
      }
      try {
        const report = await withKeystore(options, custosIo(io), (ks) => importAcraEntries(ks, entries, `acra-keys bundle ${bundle}`));
        emit(io, options, { ...report, entries: entries.length }, () =>
          importedKeysText(`imported ${report.versions} key versions from ${entries.length} entries of ${bundle}${report.publicOnlyVersions ? ` (${report.publicOnlyVersions} as public parts only)` : ''}`, report.keys),
        );
      } finally {
        for (const entry of entries) wipe(entry.content);
      }
    });
}

export function acraBundleCommand(io: CliIo): Command {
  return new Command('bundle')
    .description('acra-keys export/import bundles (keystore v1): write them for acra-keys import, read what acra-keys export wrote')
    .addHelpText(
      'after',
      `
Examples:
  custos acra bundle export --client-id billing-svc --bundle keys.bundle --secret keys.secret
  custos acra bundle import --bundle keys.bundle --secret keys.secret`,
    )
    .addCommand(exportCommand(io))
    .addCommand(importCommand(io));
}
