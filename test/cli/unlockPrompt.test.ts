import { describe, expect, it } from 'vitest';
import { runInteractive } from '../helpers/cli.js';
import { expectOk, expectTextError, initPassphraseVault, initVault, snapshot, withDb } from './fixtures.js';

/** At a terminal with no credential given, the CLI asks for what the keystore can open with, and nothing else. */
describe('the unlock prompt', () => {
  it('a keystore that opens only with its master key: no prompt, and the error says so', async () => {
    const vault = await initVault();
    const before = snapshot(vault.path);
    const result = await runInteractive(['keys', 'list', '--keystore', vault.path], { answers: [] });
    expect(result.prompts).toEqual([]);
    const message = expectTextError(result, 'MASTER_KEY_MISSING');
    expect(message).toContain('this vault opens only with its master key: set CUSTOS_MASTER_KEY or pass --master-key-file');
    expect(snapshot(vault.path)).toEqual(before);
  });

  it('a keystore with a passphrase: the prompt names the keystore passphrase, hidden, and the typed one opens it', async () => {
    const vault = await initPassphraseVault('typed at the terminal');
    const result = expectOk(await runInteractive(['info', '--keystore', vault.path], { answers: ['typed at the terminal'] }));
    expect(result.prompts).toEqual([{ question: 'Keystore passphrase: ', hidden: true }]);
  });

  it('--unlock-method passphrase asks the same question', async () => {
    const vault = await initPassphraseVault('typed at the terminal');
    const result = expectOk(await runInteractive(['info', '--keystore', vault.path, '--unlock-method', 'passphrase'], { answers: ['typed at the terminal'] }));
    expect(result.prompts).toEqual([{ question: 'Keystore passphrase: ', hidden: true }]);
  });

  it('a keystore whose only methods are not passphrases: no prompt; the error names each --unlock-method and what it needs', async () => {
    const vault = await initVault();
    // Only the listing is read before the error, so a row written directly stands in for `unlock-methods add`
    // (which would need an HSM or a Vault server).
    withDb(vault.path, (db) =>
      db
        .prepare('INSERT INTO unlock_methods (kind, label, params, wrapped, created_at) VALUES (?, ?, ?, ?, ?)')
        .run('pkcs11', 'ceremony HSM', '{}', Buffer.alloc(60), new Date().toISOString()),
    );
    const result = await runInteractive(['keys', 'list', '--keystore', vault.path], { answers: [] });
    expect(result.prompts).toEqual([]);
    const message = expectTextError(result, 'MASTER_KEY_MISSING');
    expect(message).toMatch(/--unlock-method 1 \(pkcs11 "ceremony HSM", with --pin-file or the PIN typed\)/);
    expect(message).toContain('--master-key-file');
  });
});
