/**
 * The Backups screen's vault-publish through the real handler table and
 * worker, against the Vault STAND-IN (test/helpers/vaultStandIn.ts, not
 * Vault) over HTTPS with a throwaway CA chosen in main's dialog: plain http
 * is refused in main with nothing sent; the address is shown in main's
 * approval dialog before it is contacted, and a refusal sends nothing; then
 * field acra_master_key is written where Acra reads it on KV v2 and KV v1,
 * an existing one is kept unless Replace is ticked, and a malformed Acra
 * master key writes nothing. No reply or event carries the key or the token.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa, opensslAvailable } from '../helpers/testCa.js';
import { startVaultStandIn, type VaultStandIn } from '../helpers/vaultStandIn.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const TOKEN = 's.acra-publisher-5e1f0b';
const key = randomBytes(32).toString('base64');
const other = randomBytes(32).toString('base64');

describe.skipIf(!opensslAvailable())('acra:vaultPublish', () => {
  let h: Harness;
  let standIn: VaultStandIn;
  let caFile: string;
  let keyFile: string;
  let otherFile: string;
  const replies: string[] = [];
  const request = (path: string, replace = false) => ({ vaultAddr: standIn.url, path, auth: { method: 'token' as const, token: TOKEN }, privateCa: true, replace });
  const publish = async (payload: unknown) => {
    const result = await h.raw('acra:vaultPublish', payload);
    replies.push(JSON.stringify(result));
    return result;
  };
  const writes = () => standIn.requests.filter((r) => r.method !== 'GET');

  beforeAll(async () => {
    const ca = makeTestCa('Custos Vault test CA');
    standIn = await startVaultStandIn({ cert: ca.serverCert, key: ca.serverKey });
    standIn.addToken(TOKEN, ['secret/data/acra', 'kv1/acra']);
    standIn.addMount('kv1/', { type: 'kv', options: null });
    h = startHarness({ suite: true });
    await h.ok('vault:create', { name: 'acra-vault-publish', passphrase: 'correct horse battery staple', kdf: FAST_KDF });
    caFile = join(h.dir, 'vault-ca.pem');
    writeFileSync(caFile, ca.caPem);
    keyFile = join(h.dir, 'acra-master.key');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    otherFile = join(h.dir, 'other-acra-master.key');
    writeFileSync(otherFile, `${other}\n`, { mode: 0o600 });
  }, 60_000);

  afterAll(async () => {
    await standIn?.close();
    await h?.close();
  });

  it('refuses plain http in main: no dialog opens and nothing is sent', async () => {
    const plain = await publish({ ...request('secret/acra'), vaultAddr: standIn.url.replace('https:', 'http:') });
    expect(plain).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    if (!plain.ok) expect(plain.message).toContain('plain http://');
    expect(h.fileRequests).toEqual([]);
    expect(h.approvalsAsked).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });

  it('shows the address in main\'s approval dialog first; declined, nothing is contacted', async () => {
    h.fileChoices.push(caFile);
    h.approvalAnswers.push(false);
    const declined = await publish(request('secret/acra'));
    expect(declined).toMatchObject({ ok: false, code: 'NOT_APPROVED' });
    expect(h.approvalsAsked).toEqual([expect.objectContaining({ kind: 'vault-server', endpoint: standIn.url })]);
    expect(h.approvalsAsked[0]).toMatchObject({ caSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(standIn.requests).toEqual([]);
  });

  it('approved, writes acra_master_key where Acra reads it on KV v2, and says how AcraServer finds it', async () => {
    h.fileChoices.push(caFile, keyFile);
    const result = await publish(request('secret/acra'));
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    expect(result.value).toEqual({
      endpoint: standIn.url,
      secretsPath: 'secret/acra',
      writtenPath: 'secret/data/acra',
      kvVersion: 2,
      secretVersion: 1,
      replaced: false,
      acraServerFlags: ['--keystore_encryption_type=vault_master_key', `--vault_connection_api_string=${standIn.url}`, '--vault_secrets_path=secret/acra', '--vault_tls_transport_enable'],
    });
    expect(standIn.kvData('secret', 'acra')).toEqual({ acra_master_key: key });
    expect(h.fileRequests.slice(-2).map((r) => r.purpose)).toEqual(['vault-ca', 'acra-master-key']);
    expect(h.approvalsAsked).toHaveLength(2);
  });

  it('on KV v1 too, without asking again for an approved address; an existing key is kept unless Replace is ticked', async () => {
    h.fileChoices.push(caFile, keyFile);
    const v1 = await publish(request('kv1/acra'));
    expect(v1).toMatchObject({ ok: true, value: { kvVersion: 1, writtenPath: 'kv1/acra', secretVersion: null, replaced: false } });
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: key });
    expect(h.approvalsAsked).toHaveLength(2);

    const writesBefore = writes().length;
    h.fileChoices.push(caFile, otherFile);
    const refused = await publish(request('kv1/acra'));
    expect(refused).toMatchObject({ ok: false, code: 'VAULT_SECRET_EXISTS' });
    if (!refused.ok) expect(refused.message).toContain("tick 'Replace the key in Vault'");
    expect(writes()).toHaveLength(writesBefore);
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: key });

    h.fileChoices.push(caFile, otherFile);
    expect(await publish(request('kv1/acra', true))).toMatchObject({ ok: true, value: { kvVersion: 1, replaced: true } });
    expect(standIn.kv1.get('kv1/acra')).toEqual({ acra_master_key: other });
  });

  it('a malformed Acra master key, or a CA that does not sign the server, writes nothing', async () => {
    const bad = join(h.dir, 'bad.key');
    writeFileSync(bad, 'not base64 at all\n', { mode: 0o600 });
    const writesBefore = writes().length;
    h.fileChoices.push(caFile, bad);
    expect(await publish(request('secret/acra', true))).toMatchObject({ ok: false, code: 'ACRA_MASTER_KEY_MALFORMED' });
    const otherCa = join(h.dir, 'other-ca.pem');
    writeFileSync(otherCa, makeTestCa('Another CA').caPem);
    h.fileChoices.push(otherCa, otherFile);
    // Another CA is another approval: the person is asked again, approves, and the handshake then fails.
    expect(await publish(request('secret/acra', true))).toMatchObject({ ok: false, code: 'VAULT_TLS' });
    expect(h.approvalsAsked).toHaveLength(3);
    expect(writes()).toHaveLength(writesBefore);
    expect(standIn.kvData('secret', 'acra')).toEqual({ acra_master_key: key });
  });

  it('no reply or event carries the Acra master key or the token', () => {
    const everything = [...replies, ...h.events.map((e) => JSON.stringify(e))].join('\n');
    for (const text of [key, other]) {
      const bytes = Buffer.from(text, 'base64');
      for (const form of [text, bytes.toString('hex'), bytes.toString('base64url'), [...bytes].join(',')]) expect(everything).not.toContain(form);
    }
    expect(everything).not.toContain(TOKEN);
    expect(replies.length).toBeGreaterThanOrEqual(7);
  });
});
