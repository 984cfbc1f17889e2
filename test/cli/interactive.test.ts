import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyDetail } from '../../shared/keys.js';
import { runInteractive } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOk, expectTextError, FAST_KDF_FLAGS, initVault, json, newKey, snapshot } from './fixtures.js';

/** The prompt paths, at a scripted terminal (CliIo.interactive = true). */
describe('at a terminal', () => {
  it('init asks for a new passphrase twice, hidden, and the keystore then unlocks with a typed passphrase', async () => {
    const path = join(tempDir(), 'custos.db');
    const init = expectOk(await runInteractive(['init', '--keystore', path, ...FAST_KDF_FLAGS, '--json'], { answers: ['typed secret', 'typed secret'] }));
    expect(init.prompts).toEqual([
      { question: 'New passphrase: ', hidden: true },
      { question: 'Repeat passphrase: ', hidden: true },
    ]);
    expect(json<{ unlock: string[] }>(init).unlock).toEqual(['passphrase']);
    const info = expectOk(await runInteractive(['info', '--keystore', path], { answers: ['typed secret'] }));
    expect(info.prompts).toEqual([{ question: 'Keystore passphrase: ', hidden: true }]);
    expectTextError(await runInteractive(['info', '--keystore', path], { answers: ['typed secreT'] }), 'WRONG_PASSPHRASE');
  });

  it('init refuses two passphrases that differ, and an empty one, and creates nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'custos.db');
    expectTextError(await runInteractive(['init', '--keystore', path, ...FAST_KDF_FLAGS], { answers: ['one', 'two'] }), 'INVALID_ARGUMENT', 2);
    expectTextError(await runInteractive(['init', '--keystore', path, ...FAST_KDF_FLAGS], { answers: [''] }), 'INVALID_ARGUMENT', 2);
    expect(snapshot(path)).toEqual({ hash: null, files: [] });
  });

  it('an empty passphrase at the unlock prompt is MASTER_KEY_MISSING', async () => {
    const vault = await initVault();
    expectTextError(await runInteractive(['info', '--keystore', vault.path], { answers: [''] }), 'MASTER_KEY_MISSING');
  });

  it('init with a master key given does not ask for a passphrase (as its help says)', async () => {
    const path = join(tempDir(), 'custos.db');
    const result = await runInteractive(['init', '--keystore', path, '--json'], { env: { CUSTOS_MASTER_KEY: newKey().key }, answers: [] });
    expect(result.prompts).toEqual([]);
    expect(json<{ unlock: string[] }>(expectOk(result)).unlock).toEqual(['master-key']);
  });

  it('an unlock with a master key never prompts', async () => {
    const vault = await initVault();
    const result = expectOk(await runInteractive(['keys', 'list'], { env: vault.env, answers: [] }));
    expect(result.prompts).toEqual([]);
  });

  it('destroy asks for the key name, echoed; the right name destroys, a wrong one changes nothing', async () => {
    const vault = await initVault();
    expectOk(await vault.run(['keys', 'generate', '--global', '--purpose', 'auth']));
    const before = snapshot(vault.path);
    const refused = await runInteractive(['keys', 'destroy', 'auth_key'], { env: vault.env, answers: ['auth_kye'] });
    expectTextError(refused, 'CONFIRMATION_REQUIRED');
    expect(refused.prompts).toHaveLength(1);
    expect(refused.prompts[0]?.hidden).toBe(false);
    expect(refused.prompts[0]?.question).toContain('auth_key');
    expect(snapshot(vault.path)).toEqual(before);

    expectOk(await runInteractive(['keys', 'destroy', 'auth_key'], { env: vault.env, answers: ['auth_key'] }));
    const detail = json<KeyDetail>(expectOk(await vault.run(['keys', 'show', 'auth_key', '--json'])));
    expect(detail.versions.map((v) => v.state)).toEqual(['destroyed']);
  });

  it('destroy --yes does not ask', async () => {
    const vault = await initVault();
    expectOk(await vault.run(['keys', 'generate', '--global', '--purpose', 'auth']));
    const result = expectOk(await runInteractive(['keys', 'destroy', 'auth_key', '--yes'], { env: vault.env, answers: [] }));
    expect(result.prompts).toEqual([]);
  });
});
