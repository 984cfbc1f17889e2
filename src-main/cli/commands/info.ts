import { Command } from 'commander';
import { renameVault } from '../../core/keystore/vaultIdentity.js';
import { vaultInfo, type CeremonyInfo } from '../../core/keystore/vaultInfo.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit } from '../output.js';

function ceremonyLine(c: CeremonyInfo): string {
  const named = c.custodians.filter((n): n is string => n !== null);
  const custodians = named.length === 0 ? 'custodians not named' : `custodians ${named.join(', ')}${named.length < c.custodians.length ? ` (+${c.custodians.length - named.length} not named)` : ''}`;
  const state = c.supersededAt ? `superseded ${c.supersededAt.slice(0, 10)}` : 'current';
  const origin = c.importedFrom ? `imported from ${c.importedFrom}` : 'made here';
  return `  ceremony ${c.id}  ${c.createdAt.slice(0, 10)}  ${c.quorum}  ${state}  ${origin}  ${custodians}`;
}

export function infoCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('info'))
    .description("show the vault (name, fingerprint, key check), its paper ceremonies and audit head, and the keystore's file, schema and unlock methods")
    .option('--set-name <name>', "give the vault a human name (or a new one) first; recorded in the audit log. Sheets already printed keep the name they show")
    .addHelpText(
      'after',
      `
The vault fingerprint and key check depend on the master key alone: the paper sheets,
'custos paper restore', a bundle and every host holding the key show the same values.

Examples:
  custos info
  custos info --json
  custos info --set-name "Payments prod"`,
    )
    .action(async (options: CommonOptions & { setName?: string }) => {
      const { setName } = options;
      const info = await withKeystore(options, io, (ks) => {
        if (setName !== undefined) renameVault(ks, setName);
        return vaultInfo(ks);
      });
      emit(io, options, info, () =>
        [
          `vault        ${info.vaultName ?? '(unnamed)'}`,
          `fingerprint  ${info.vaultFingerprint}`,
          `key check    ${info.keyCheck}`,
          `keystore     ${info.path}`,
          `keystore id  ${info.keystoreId}`,
          `created      ${info.createdAt}`,
          `schema       v${info.schemaVersion}`,
          `key versions ${info.keyVersions}`,
          `unlock       master key${info.unlockMethods.map((m) => `, ${m.label}`).join('')}`,
          `audit head   ${info.auditHead ?? '(the audit log does not verify: run custos audit verify)'}`,
          `ceremonies   ${info.ceremonies.length === 0 ? 'none' : info.ceremonies.length}`,
          ...info.ceremonies.map(ceremonyLine),
        ].join('\n'),
      );
    });
}
