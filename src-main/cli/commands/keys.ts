import { Command, Option } from 'commander';
import { CustosError } from '../../../shared/errors.js';
import { KEY_PURPOSES, KEY_STATES, type KeyDetail, type KeyInfo, type KeyPurpose, type KeyState } from '../../../shared/keys.js';
import { KEY_PAIR_TYPES, parsePurpose, planKeys, type GenerateRequest, type KeyPairType } from '../../core/catalog/plan.js';
import { PURPOSES } from '../../core/catalog/purposes.js';
import { readFileSync } from 'node:fs';
import { importOwnKey } from '../../core/keystore/byok.js';
import type { CliIo } from '../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../keystoreOption.js';
import { emit, table } from '../output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function keyTable(keys: KeyInfo[]): string {
  if (keys.length === 0) return 'no keys';
  return table(
    ['NAME', 'CLIENT/ZONE', 'PURPOSE', 'ALGORITHM', 'VERSION', 'STATE', 'FINGERPRINT', 'CREATED'],
    keys.map((k) => [k.name, k.clientId ?? k.zoneId ?? '-', k.purpose, k.algorithm, String(k.version), k.state, k.fingerprint, k.createdAt]),
  );
}

function detailText(detail: KeyDetail): string {
  return [
    `name       ${detail.name}`,
    `owner      ${detail.clientId ? `client ${detail.clientId}` : detail.zoneId ? `zone ${detail.zoneId}` : 'global'}`,
    `purpose    ${detail.purpose}`,
    `algorithm  ${detail.algorithm}`,
    `current    v${detail.currentVersion}`,
    '',
    table(['VERSION', 'STATE', 'FINGERPRINT', 'CREATED'], detail.versions.map((v) => [String(v.version), v.state, v.fingerprint, v.createdAt])),
  ].join('\n');
}

function versionNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CustosError('INVALID_ARGUMENT', '--version must be a positive whole number');
  return value;
}

interface GenerateOptions extends CommonOptions {
  clientId?: string[] | undefined;
  zoneId?: string[] | undefined;
  global?: boolean;
  all?: boolean;
  purpose?: string[];
  skipExisting?: boolean;
  keyType?: KeyPairType;
}

/** `keys import`'s options: one owner, one purpose, one file. */
interface OwnKeyOptions extends Omit<GenerateOptions, 'clientId' | 'zoneId' | 'purpose'> {
  clientId?: string;
  zoneId?: string;
  purpose: string;
  rawFile?: string;
  pemFile?: string;
}

const listOf = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : [value]);

/** One request per --client-id or --zone-id given (all of them go in one transaction), or the global one. */
function generateRequests(options: GenerateOptions): GenerateRequest[] {
  const scopes = [options.clientId !== undefined, options.zoneId !== undefined, Boolean(options.global)].filter(Boolean).length;
  if (scopes !== 1) throw new CustosError('INVALID_ARGUMENT', 'choose exactly one of --client-id ID, --zone-id ID (either repeatable) or --global');
  if (Boolean(options.all) === Boolean(options.purpose?.length)) throw new CustosError('INVALID_ARGUMENT', 'choose --all, or one or more --purpose P');
  const purposes: KeyPurpose[] | undefined = options.purpose?.map(parsePurpose);
  const requests: GenerateRequest[] = options.clientId
    ? options.clientId.map((clientId) => ({ scope: 'client', clientId, purposes }))
    : options.zoneId
      ? options.zoneId.map((zoneId) => ({ scope: 'zone', zoneId, purposes }))
      : [{ scope: 'global', purposes }];
  for (const request of requests) {
    request.keyType = options.keyType;
    // Ids and purposes are checked before the keystore is unlocked: bad arguments need no master key.
    planKeys(request);
  }
  return requests;
}

const catalogueHelp = `
Key catalogue (Acra names):
${PURPOSES.map((p) => `  ${p.purpose.padEnd(22)}${p.scope.padEnd(8)}${p.algorithm.padEnd(8)}${p.nameFor(p.scope === 'global' ? null : '<id>').padEnd(22)}${p.description}`).join('\n')}`;

export function keysCommand(io: CliIo): Command {
  const keys = new Command('keys')
    .description('generate, list, rotate, disable and destroy keys')
    .addHelpText('after', '\nExamples:\n  custos keys generate --client-id billing-svc --all\n  custos keys list --client-id billing-svc\n  custos keys rotate billing-svc_storage');

  withKeystoreOptions(keys.command('generate'))
    .description('generate keys for client ids, zone ids, or the global keys, in one transaction')
    .option('--client-id <id>', 'generate client keys for this client id (repeatable: every one in the same transaction)', collect)
    .option('--zone-id <id>', 'generate zone keys for this zone id (repeatable)', collect)
    .option('--global', 'generate the global keys (poison record, secure log, auth)')
    .option('--all', 'every purpose of the chosen scope')
    .option('--purpose <purpose>', 'only this purpose (repeatable)', collect)
    .option('--skip-existing', 'leave keys that already exist alone instead of failing')
    .addOption(new Option('--key-type <type>', 'key pairs as Themis EC on P-256 (what Acra reads) or X25519').choices(KEY_PAIR_TYPES).default('p256'))
    .option('--system <name>', "seal the new keys under this system's KEK (default: the client id's KEK if it has one, else the master key)")
    .addHelpText(
      'after',
      `${catalogueHelp}\n\nExamples:\n  custos keys generate --client-id billing-svc --all\n  custos keys generate --client-id billing-svc --client-id orders-svc --all   # one transaction: all or nothing\n  custos keys generate --global --purpose auth --system payments`,
    )
    .action(async (options: GenerateOptions & { system?: string }) => {
      const requests = generateRequests(options);
      const created = await withKeystore(options, io, (ks) => ks.generate(requests, { skipExisting: Boolean(options.skipExisting), system: options.system }));
      emit(io, options, created, () => (created.length === 0 ? 'nothing to generate: every key exists already' : keyTable(created)));
    });

  withKeystoreOptions(keys.command('list'))
    .description('list keys (current versions unless --all-versions)')
    .option('--client-id <id>', 'only keys of this client id')
    .option('--zone-id <id>', 'only keys of this zone id')
    .addOption(new Option('--purpose <purpose>', 'only this purpose').choices(KEY_PURPOSES))
    .addOption(new Option('--state <state>', 'only this state').choices(KEY_STATES))
    .option('--all-versions', 'one row per version instead of per key')
    .addHelpText('after', '\nExamples:\n  custos keys list --master-key-file master.key\n  custos keys list --client-id billing-svc --all-versions --json\n  custos keys list --state disabled')
    .action(async (options: CommonOptions & { clientId?: string; zoneId?: string; purpose?: KeyPurpose; state?: KeyState; allVersions?: boolean }) => {
      const list = await withKeystore(options, io, (ks) =>
        ks.list({ clientId: options.clientId, zoneId: options.zoneId, purpose: options.purpose, state: options.state, allVersions: options.allVersions }),
      );
      emit(io, options, list, () => keyTable(list));
    });

  withKeystoreOptions(keys.command('show'))
    .description("show a key's metadata and versions, or its public key as PEM")
    .argument('<name>', 'key name')
    .option('--public-pem', 'print the public key as PEM (SPKI); checks it against the sealed private key first')
    .option('--version <n>', 'only this version (with --public-pem: its public key instead of the current one)')
    .addHelpText('after', '\nExamples:\n  custos keys show billing-svc_storage\n  custos keys show billing-svc_storage --public-pem > storage.pub.pem')
    .action(async (name: string, options: CommonOptions & { publicPem?: boolean; version?: string }) => {
      const version = versionNumber(options.version);
      if (options.publicPem) {
        const pem = await withKeystore(options, io, (ks) => ks.publicKeyPem(name, version));
        emit(io, options, { name, publicKeyPem: pem }, () => pem);
        return;
      }
      const all = await withKeystore(options, io, (ks) => ks.get(name));
      const versions = version === undefined ? all.versions : all.versions.filter((v) => v.version === version);
      if (versions.length === 0) throw new CustosError('KEY_NOT_FOUND', `key '${name}' has no version ${String(version)}`);
      const detail = { ...all, versions };
      emit(io, options, detail, () => detailText(detail));
    });

  withKeystoreOptions(keys.command('rotate'))
    .description('add a new version and make it current; older versions stay readable as "rotated"')
    .argument('<name>', 'key name')
    .addHelpText('after', '\nExamples:\n  custos keys rotate billing-svc_storage\n  custos keys rotate poison_key --json')
    .action(async (name: string, options: CommonOptions) => {
      const info = await withKeystore(options, io, (ks) => ks.rotate(name));
      emit(io, options, info, () => `rotated ${name}: v${info.version} is current (${info.fingerprint})`);
    });

  withKeystoreOptions(keys.command('disable'))
    .description('disable every readable version of a key (reversible with enable)')
    .argument('<name>', 'key name')
    .addHelpText('after', '\nExamples:\n  custos keys disable billing-svc_storage\n  custos keys enable billing-svc_storage     # undoes it')
    .action(async (name: string, options: CommonOptions) => {
      const detail = await withKeystore(options, io, (ks) => ks.disable(name));
      emit(io, options, detail, () => `disabled ${name}`);
    });

  withKeystoreOptions(keys.command('enable'))
    .description('re-enable a disabled key')
    .argument('<name>', 'key name')
    .addHelpText('after', '\nExamples:\n  custos keys enable billing-svc_storage\n  custos keys enable billing-svc_storage --json')
    .action(async (name: string, options: CommonOptions) => {
      const detail = await withKeystore(options, io, (ks) => ks.enable(name));
      emit(io, options, detail, () => `enabled ${name}`);
    });

  withKeystoreOptions(keys.command('destroy'))
    .description('overwrite the sealed material of a key (all versions, or one older --version); cannot be undone')
    .argument('<name>', 'key name')
    .option('--version <n>', 'destroy only this older version')
    .option('--yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExamples:\n  custos keys destroy billing-svc_storage --version 1     # asks you to type the name\n  custos keys destroy billing-svc_storage --yes')
    .action(async (name: string, options: CommonOptions & { version?: string; yes?: boolean }) => {
      const version = versionNumber(options.version);
      if (!options.yes) {
        if (!io.interactive) throw new CustosError('CONFIRMATION_REQUIRED', `destroying '${name}' cannot be undone; pass --yes to confirm`);
        const typed = await io.prompt(`Destroying '${name}'${version ? ` v${version}` : ''} cannot be undone. Type the key name to confirm: `);
        if (typed.trim() !== name) throw new CustosError('CONFIRMATION_REQUIRED', 'the name typed did not match; nothing was destroyed');
      }
      const detail = await withKeystore(options, io, (ks) => ks.destroy(name, version));
      emit(io, options, detail, () => `destroyed ${name}${version ? ` v${version}` : ''}`);
    });

  withKeystoreOptions(keys.command('import'))
    .description('bring your own key: store existing material (32 raw bytes, or a PEM private key) as a new key')
    .requiredOption('--purpose <purpose>', 'what the key is for (its Acra name follows from it)')
    .option('--client-id <id>', 'a client key of this client id')
    .option('--zone-id <id>', 'a zone key of this zone id')
    .option('--global', 'a global key')
    .option('--raw-file <file>', 'exactly 32 bytes: a symmetric key, or a P-256 or X25519 private scalar')
    .option('--pem-file <file>', 'a PEM (PKCS#8) private key of the key type; the public key is derived')
    .addOption(new Option('--key-type <type>', 'for a key pair: Themis EC on P-256 (what Acra reads) or X25519').choices(KEY_PAIR_TYPES).default('p256'))
    .addHelpText(
      'after',
      `
The material is checked (length, type), its public key derived and its fingerprint computed,
then sealed like any key and recorded in the audit log (key-import). It goes under the master
key (not a client's KEK). Delete the source file once imported.

Examples:
  custos keys import --purpose storage-sym --client-id billing-svc --raw-file storage.key
  custos keys import --purpose storage --client-id billing-svc --pem-file storage.pem`,
    )
    .action(async (options: OwnKeyOptions) => {
      if ((options.rawFile === undefined) === (options.pemFile === undefined)) throw new CustosError('INVALID_ARGUMENT', 'choose exactly one of --raw-file FILE or --pem-file FILE');
      // One key: --client-id and --zone-id are not repeatable here.
      const [request] = generateRequests({ ...options, clientId: listOf(options.clientId), zoneId: listOf(options.zoneId), purpose: [options.purpose] }) as [GenerateRequest];
      const path = options.rawFile ?? options.pemFile ?? '';
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new CustosError('INVALID_ARGUMENT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const material = options.rawFile ? { format: 'raw' as const, bytes: new Uint8Array(bytes) } : { format: 'pem' as const, text: bytes.toString('utf8') };
      try {
        const info = await withKeystore(options, io, (ks) => importOwnKey(ks, request, material));
        emit(io, options, info, () => `imported ${info.name} (${info.purpose}, ${info.algorithm}) v1, fingerprint ${info.fingerprint}`);
      } finally {
        bytes.fill(0);
        if (material.format === 'raw') material.bytes.fill(0);
      }
    });

  return keys;
}
