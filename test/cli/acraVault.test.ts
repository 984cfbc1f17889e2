import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';

describe('custos acra vault-publish', () => {
  let standIn: VaultStandIn;
  let dir: string;
  let tokenFile: string;
  const key = Buffer.from(randomBytes(32)).toString('base64');
  beforeEach(async () => {
    standIn = await startVaultStandIn();
    standIn.addToken('s.publisher', ['secret/data/acra', 'kv1/acra']);
    dir = tempDir();
    tokenFile = join(dir, 'vault.token');
    writeFileSync(tokenFile, 's.publisher\n', { mode: 0o600 });
  });
  afterEach(() => standIn.close());

  const base = () => ['acra', 'vault-publish', '--vault-addr', standIn.url, '--vault-token-file', tokenFile, '--vault-allow-plain-http'];

  it('writes the key from $ACRA_MASTER_KEY to KV v2 and prints the flags AcraServer needs, never the key', async () => {
    const result = await runInProcess([...base(), '--path', 'secret/acra'], { env: { ACRA_MASTER_KEY: key } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(standIn.kvData('secret', 'acra')).toEqual({ acra_master_key: key });
    expect(result.stdout).toContain('wrote acra_master_key at secret/data/acra (KV v2, version 1)');
    expect(result.stdout).toContain(`--keystore_encryption_type=vault_master_key --vault_connection_api_string=${standIn.url} --vault_secrets_path=secret/acra`);
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain('s.publisher');
  });

  it('writes to a KV v1 mount from a key file, as JSON, and refuses a second write without --force', async () => {
    standIn.addMount('kv1/', { type: 'kv', options: null });
    const keyFile = join(dir, 'acra-master.key');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const first = await runInProcess([...base(), '--path', 'kv1/acra', '--acra-master-key-file', keyFile, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ kvVersion: 1, writtenPath: 'kv1/acra', replaced: false, acraServerFlags: ['--keystore_encryption_type=vault_master_key', `--vault_connection_api_string=${standIn.url}`, '--vault_secrets_path=kv1/acra'] });
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: key });
    const other = Buffer.from(randomBytes(32)).toString('base64');
    const again = await runInProcess([...base(), '--path', 'kv1/acra', '--json'], { env: { ACRA_MASTER_KEY: other } });
    expect(JSON.parse(again.stdout).code).toBe('VAULT_SECRET_EXISTS');
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: key });
    const forced = await runInProcess([...base(), '--path', 'kv1/acra', '--force'], { env: { ACRA_MASTER_KEY: other } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('replaced acra_master_key at kv1/acra (KV v1)');
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: other });
  });

  it('never sends the token over plain http unless asked, and names each missing input', async () => {
    const plain = await runInProcess(['acra', 'vault-publish', '--vault-addr', standIn.url, '--vault-token-file', tokenFile, '--path', 'secret/acra'], { env: { ACRA_MASTER_KEY: key } });
    expect(plain.stderr).toContain('error INVALID_ARGUMENT: refusing plain http://');
    expect(standIn.requests).toEqual([]);
    const noToken = await runInProcess(['acra', 'vault-publish', '--vault-addr', standIn.url, '--path', 'secret/acra', '--vault-allow-plain-http'], { env: { ACRA_MASTER_KEY: key } });
    expect(noToken.stderr).toContain('error INVALID_ARGUMENT: give Vault credentials');
    const noKey = await runInProcess([...base(), '--path', 'secret/acra']);
    expect(noKey.stderr).toContain('error INVALID_ARGUMENT: no Acra master key');
    const shortKey = await runInProcess([...base(), '--path', 'secret/acra'], { env: { ACRA_MASTER_KEY: Buffer.alloc(16).toString('base64') } });
    expect(shortKey.stderr).toContain('error ACRA_MASTER_KEY_MALFORMED');
    expect(standIn.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('--help explains where Acra reads the key, with examples', async () => {
    const help = await runInProcess(['acra', 'vault-publish', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['--vault-addr <url>', '--path <mount/secret>', '--vault-token-file <file>', '--vault-allow-plain-http', 'sys/internal/ui/mounts', 'Examples:']) expect(help.stdout).toContain(text);
  });
});
