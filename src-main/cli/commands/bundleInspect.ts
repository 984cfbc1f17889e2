import { Command } from 'commander';
import { readAccessKeysFile } from '../../core/bundle/accessKeys.js';
import { inspectBundle, type Inspection } from '../../core/bundle/inspect.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { CliIo } from '../io.js';
import { emit, table } from '../output.js';

function inspectionText(result: Inspection): string {
  const h = result.header;
  const lines = [
    `bundle           ${h.path} (${h.bytes} bytes)`,
    `format           v${h.formatVersion}`,
    `pair             ${h.pairFingerprint}`,
    `bundle id        ${h.bundleId}`,
    `created          ${h.createdAt}`,
    `contents         ${h.keys} keys, ${h.versions} versions, ${h.privateKeys ? 'private keys included' : 'public parts only'}`,
    h.vault ? `vault            ${h.vault}${result.vault ? ` (${result.vault.name ?? 'unnamed'})` : ''}` : `source keystore  ${h.sourceKeystore ?? ''} (format v1: names a keystore, not a vault)`,
    ...(result.vault ? [`also carries     ${result.vault.ceremonies.length === 0 ? 'no paper ceremonies' : result.vault.ceremonies.map((c) => `ceremony ${c.id}`).join(', ')}${result.vault.auditHistory ? '; the audit history' : ''}`] : []),
    `verified         ${result.verified ? 'yes: every chunk, every fingerprint and the signature' : 'no (give --access-keys to verify it and list its keys)'}`,
  ];
  if (!result.manifest) return lines.join('\n');
  const rows = result.manifest.flatMap((k) => k.versions.map((v) => [k.name, k.purpose, String(v.version), v.state, v.fingerprint, v.material, v.createdAt]));
  return [...lines, '', rows.length === 0 ? 'no keys' : table(['NAME', 'PURPOSE', 'VERSION', 'STATE', 'FINGERPRINT', 'MATERIAL', 'CREATED'], rows)].join('\n');
}

export function bundleCommand(io: CliIo): Command {
  const bundle = new Command('bundle')
    .description('look at backup bundles without importing them')
    .addHelpText(
      'after',
      `
Examples:
  custos bundle inspect --bundle keys.bundle                                   # header only: no secret needed
  custos bundle inspect --bundle keys.bundle --access-keys keys.access.json   # verify it and list its keys`,
    );
  bundle
    .command('inspect')
    .description("show a bundle's header; with its access keys, verify it and list its keys (never any secret)")
    .requiredOption('--bundle <file>', 'bundle written by custos export')
    .option('--access-keys <file>', 'its access keys: verify the whole bundle and show the manifest')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Examples:
  custos bundle inspect --bundle keys.bundle
  custos bundle inspect --bundle keys.bundle --access-keys keys.access.json --json`,
    )
    .action((options: { bundle: string; accessKeys?: string; json?: boolean }) => {
      const accessKeys = options.accessKeys ? readAccessKeysFile(options.accessKeys) : undefined;
      try {
        const result = inspectBundle(options.bundle, accessKeys);
        emit(io, options, result, () => inspectionText(result));
      } finally {
        wipe(accessKeys?.encryptionKey);
      }
    });
  return bundle;
}
