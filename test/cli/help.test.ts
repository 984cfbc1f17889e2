import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS_HEADING, UNLOCK_OPTIONS_HEADING } from '../../src-main/cli/helpGroups.js';
import { buildProgram, TOP_COMMANDS } from '../../src-main/cli/program.js';
import { fakeIo, REPO_ROOT, runInProcess } from '../helpers/cli.js';
import { expectJsonError, expectTextError } from './fixtures.js';

const KEYSTORE_OPTIONS = ['--keystore <path>', '--master-key-file <file>', '--passphrase-file <file>', '--json'];

/** Every command and subcommand, with option names its help must document. */
const HELP: Array<[string[], string[]]> = [
  [[], ['master-key', 'init', 'info', 'keys', 'check', '--version', 'CUSTOS_KEYSTORE', 'CUSTOS_MASTER_KEY', 'ACRA_MASTER_KEY']],
  [['master-key'], ['generate']],
  [['master-key', 'generate'], ['--out <file>', '--json', '0600']],
  [['init'], [...KEYSTORE_OPTIONS, '--kdf-memory-mib <n>', '--kdf-passes <n>', 'CUSTOS_MASTER_KEY', 'ACRA_MASTER_KEY']],
  [['info'], KEYSTORE_OPTIONS],
  [['keys'], ['generate', 'list', 'show', 'rotate', 'disable', 'enable', 'destroy']],
  [
    ['keys', 'generate'],
    [...KEYSTORE_OPTIONS, '--client-id <id>', '--zone-id <id>', '--global', '--all', '--purpose <purpose>', '--skip-existing', 'poison_key', '<id>_storage_sym', 'secure-log'],
  ],
  [['keys', 'list'], [...KEYSTORE_OPTIONS, '--client-id <id>', '--zone-id <id>', '--purpose <purpose>', '--state <state>', '--all-versions', 'disabled']],
  [['keys', 'show'], [...KEYSTORE_OPTIONS, '<name>', '--public-pem', '--version <n>']],
  [['keys', 'rotate'], [...KEYSTORE_OPTIONS, '<name>']],
  [['keys', 'disable'], [...KEYSTORE_OPTIONS, '<name>']],
  [['keys', 'enable'], [...KEYSTORE_OPTIONS, '<name>']],
  [['keys', 'destroy'], [...KEYSTORE_OPTIONS, '<name>', '--version <n>', '--yes']],
  [['check'], KEYSTORE_OPTIONS],
  [['audit'], ['list', 'verify', 'head', 'export', 'verify-transcript']],
  [['audit', 'list'], [...KEYSTORE_OPTIONS, '--actor <name>', '--since <n>', 'Example']],
  [['audit', 'verify'], [...KEYSTORE_OPTIONS, '--head <seq:hash>', 'truncated', 'Examples']],
  [['audit', 'head'], [...KEYSTORE_OPTIONS, 'Example']],
  [['audit', 'export'], [...KEYSTORE_OPTIONS, '--out <file>', '--pdf <file>', '--chromium <path>', '--force', 'Examples']],
  [['audit', 'verify-transcript'], ['--file <file>', '--public-key <key>', '--head <seq:hash>', '--json', 'Example']],
];

describe('--help', () => {
  it.each(HELP)('custos %j --help exits 0 and documents its options', async (path, expected) => {
    const result = await runInProcess([...path, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.startsWith(`Usage: ${['custos', ...path].join(' ')} `)).toBe(true);
    for (const text of expected) expect(result.stdout).toContain(text);
  });

  it('`custos help keys` prints the same help as `custos keys --help`', async () => {
    const viaHelp = await runInProcess(['help', 'keys']);
    const viaFlag = await runInProcess(['keys', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('--help after an operand still shows help and runs nothing', async () => {
    // Would fail with MASTER_KEY_MISSING if the command ran.
    const result = await runInProcess(['keys', 'destroy', 'some_key', '--yes', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: custos keys destroy');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runInProcess(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('usage errors', () => {
  it('an unknown command is INVALID_ARGUMENT, exit 2, in both forms', async () => {
    expectTextError(await runInProcess(['frobnicate']), 'INVALID_ARGUMENT', 2);
    expectJsonError(await runInProcess(['frobnicate', '--json']), 'INVALID_ARGUMENT', 2);
  });

  it('an unknown option is INVALID_ARGUMENT, exit 2', async () => {
    const message = expectTextError(await runInProcess(['keys', 'list', '--colour']), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('--colour');
  });

  it('a value outside the choices is INVALID_ARGUMENT, exit 2, with --json on stdout', async () => {
    const message = expectJsonError(await runInProcess(['keys', 'list', '--state', 'sleeping', '--json']), 'INVALID_ARGUMENT', 2);
    expect(message).toContain('sleeping');
  });

  it('`custos keys` without a subcommand shows help on stderr and exits 2', async () => {
    const result = await runInProcess(['keys']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: custos keys');
  });
});

/** Every command of the full tree, with its path below `custos` (the program itself is []). */
async function everyCommand(): Promise<Array<{ path: string[]; command: Command }>> {
  const found: Array<{ path: string[]; command: Command }> = [];
  const walk = (command: Command, path: string[]) => {
    found.push({ path, command });
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(await buildProgram(fakeIo().io, () => undefined), []);
  return found;
}


describe('every command in the tree', async () => {
  const commands = await everyCommand();

  it('has a good number of commands (the walk works)', () => {
    expect(commands.length).toBeGreaterThan(35);
  });

  it.each(commands.map((c) => [c.path.join(' ') || '(custos)', c] as const))('custos %s --help has an Examples block', async (_name, { path }) => {
    const result = await runInProcess([...path, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Examples:$/m);
  });

  // Commands that open a keystore take --unlock-method with the rest (paper restore's own --keystore names the keystore it creates).
  const keystoreCommands = commands.filter((c) => c.command.options.some((o) => o.long === '--unlock-method'));

  it('most commands take the unlock options', () => {
    expect(keystoreCommands.length).toBeGreaterThan(20);
  });

  it.each(keystoreCommands.map((c) => [c.path.join(' '), c] as const))('custos %s --help: its own options first, then the unlock options, then the common ones', async (_name, { path, command }) => {
    const lines = (await runInProcess([...path, '--help'])).stdout.split('\n');
    const own = lines.indexOf('Options:');
    const unlock = lines.indexOf(UNLOCK_OPTIONS_HEADING);
    const common = lines.indexOf(COMMON_OPTIONS_HEADING);
    expect(own).toBeGreaterThan(0);
    expect(unlock).toBeGreaterThan(own);
    expect(common).toBeGreaterThan(unlock);
    expect(lines[unlock + 1]).toMatch(/^ {2}--keystore <path> /);
    const lineOf = (flags: string) => lines.findIndex((line) => line.startsWith(`  ${flags} `));
    for (const option of command.options) {
      const at = lineOf(option.flags);
      const section = option.helpGroupHeading === UNLOCK_OPTIONS_HEADING ? [unlock, common] : option.helpGroupHeading === COMMON_OPTIONS_HEADING ? [common, lines.length] : [own, unlock];
      expect(at, `${option.flags} under ${option.helpGroupHeading ?? 'Options:'}`).toBeGreaterThan(section[0] ?? -1);
      expect(at, `${option.flags} under ${option.helpGroupHeading ?? 'Options:'}`).toBeLessThan(section[1] ?? -1);
    }
    for (const flag of ['--master-key-file', '--unlock-method', '--pin-file', '--vault-token-file', '--unlock-share-file']) {
      expect(command.options.find((o) => o.long === flag)?.helpGroupHeading, flag).toBe(UNLOCK_OPTIONS_HEADING);
    }
  });

  it('the top-level help shows each command with its own description (the stubs do not drift)', () => {
    const tops = commands.filter((c) => c.path.length === 1);
    expect(tops.map((c) => c.path[0])).toEqual(TOP_COMMANDS.map((t) => t.name));
    for (const top of TOP_COMMANDS) expect(tops.find((c) => c.path[0] === top.name)?.command.description(), top.name).toBe(top.summary);
  });
});
