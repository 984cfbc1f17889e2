import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src-main/core/audit/transcript.js';
import type { VerifyOutcome } from '../../src-main/core/audit/verify.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { masterKeyCheck } from '../../src-main/core/masterkey/subkeys.js';
import { runInProcess } from '../helpers/cli.js';
import { expectJsonError, expectOk, expectTextError, unlockNotes, FAST_KDF_FLAGS, initVault, json, newKey, withDb, type CliVault } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

interface HeadView {
  seq: number;
  hash: string;
  head: string;
  authentic: boolean;
  publicKey: string;
}

const entries = async (v: CliVault, ...args: string[]) => json<TranscriptEntry[]>(expectOk(await v.run(['audit', 'list', '--json', ...args])));
const headOf = async (v: CliVault) => json<HeadView>(expectOk(await v.run(['audit', 'head', '--json'])));

describe('custos audit', () => {
  it('records who acted (--actor, else CUSTOS_ACTOR), and lists entries, --since N', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--global', '--purpose', 'auth', '--actor', 'Ana Ruiz']));
    expectOk(await v.run(['keys', 'rotate', 'auth_key'], { CUSTOS_ACTOR: 'Ben' }));
    expectOk(await v.run(['keys', 'disable', 'auth_key', '--actor', 'Cy'], { CUSTOS_ACTOR: 'Ben' }));
    const all = await entries(v);
    expect(all.map((e) => [e.seq, e.operation, e.actor])).toEqual([
      [1, 'init', null],
      [2, 'unlock', 'Ana Ruiz'],
      [3, 'key-generate', 'Ana Ruiz'],
      [4, 'unlock', 'Ben'],
      [5, 'key-rotate', 'Ben'],
      [6, 'unlock', 'Cy'],
      [7, 'key-disable', 'Cy'],
    ]);
    expect((await entries(v, '--since', '5')).map((e) => e.seq)).toEqual([6, 7]);
    const text = expectOk(await v.run(['audit', 'list'])).stdout;
    expect(text.split('\n')[0]).toMatch(/^SEQ\s+AT\s+OPERATION\s+ACTOR\s+OUTCOME\s+DETAILS$/);
    expect(text).toMatch(/\n5\s+\S+\s+key-rotate\s+Ben\s+ok\s+auth_key v2\n/);
    expectTextError(await v.run(['keys', 'list', '--actor', 'a\u0007b']), 'INVALID_ARGUMENT', 2);
    expectJsonError(await v.run(['audit', 'list', '--since', 'x', '--json']), 'INVALID_ARGUMENT', 2);
  });

  it('audit list counts the unlocks noted beside the keystore that are not in the chain yet', async () => {
    const v = await initVault();
    expectTextError(await v.run(['info'], { CUSTOS_MASTER_KEY: newKey().key }), 'WRONG_MASTER_KEY');
    expectOk(await v.run(['keys', 'list']));
    const text = expectOk(await v.run(['audit', 'list'])).stdout;
    expect(text).toContain('2 other unlock(s) noted beside the keystore are not in the chain yet (1 failed, 1 successful); the next change folds them in, with this one.');
    expectOk(await v.run(['keys', 'generate', '--global', '--all', '--actor', 'Ana']));
    const after = expectOk(await v.run(['audit', 'list'])).stdout;
    expect(after).not.toContain('noted beside the keystore');
    // The failed unlock, then the two sessions that only read, then Ana's own unlock and change.
    expect(after.split('\n').filter(Boolean).slice(2).map((l) => l.split(/\s+/).slice(2, 4).join(' '))).toEqual(['unlock-failed -', 'unlock -', 'unlock -', 'unlock Ana', 'key-generate Ana']);
  });

  it('init, paper restore --verify and --init, and failed unlocks are in the log', async () => {
    const v = await initVault();
    const wrong = newKey().key;
    expectTextError(await v.run(['info', '--actor', 'Mallory'], { CUSTOS_MASTER_KEY: wrong }), 'WRONG_MASTER_KEY');
    expect(unlockNotes(v.path)).toEqual([expect.objectContaining({ code: 'WRONG_MASTER_KEY', actor: 'Mallory' })]);
    const out = join(v.dir, 'sheets');
    expectOk(await v.run(['paper', 'split', '--threshold', '1', '--shares', '1', '--out', out, '--allow-same-disk', '--text', '--chromium', CHROMIUM, '--actor', 'Ana']));
    expect(unlockNotes(v.path)).toEqual([]);
    expectOk(await v.run(['paper', 'restore', '--share-file', join(out, 'share-1.txt'), '--verify', '--actor', 'Ana']));
    const restored = join(v.dir, 'restored.db');
    expectOk(await runInProcess(['paper', 'restore', '--share-file', join(out, 'share-1.txt'), '--init', '--keystore', restored, '--master-key-out', join(v.dir, 'restored.key'), '--expect-check', masterKeyCheck(v.keyBytes), '--actor', 'Ben']));
    expect((await entries(v)).map((e) => [e.operation, e.actor, e.outcome])).toEqual([
      ['init', null, 'ok'],
      ['unlock-failed', 'Mallory', 'WRONG_MASTER_KEY'],
      ['unlock', 'Ana', 'ok'],
      ['paper-split', 'Ana', 'ok'],
      ['unlock', 'Ana', 'ok'],
      ['paper-restore', 'Ana', 'ok'],
    ]);
    const other = json<TranscriptEntry[]>(expectOk(await runInProcess(['audit', 'list', '--keystore', restored, '--json'], { env: { CUSTOS_MASTER_KEY: v.key } })));
    expect(other.map((e) => [e.operation, e.actor, (e.subject as { mode?: string }).mode ?? null])).toEqual([
      ['init', 'Ben', null],
      ['paper-restore', 'Ben', 'init'],
    ]);
    // The sheet carries the head as it was when it was printed.
    const sheet = execFileSync('pdftotext', [join(out, 'share-1.pdf'), '-'], { encoding: 'utf8' });
    const split = (await entries(v)).find((e) => e.operation === 'paper-split');
    expect(sheet).toContain('Audit head');
    expect(sheet).toContain((split?.subject as { auditHeadPrinted: string }).auditHeadPrinted);
  }, 30_000);

  it('verify: exit 0 when intact; exit 1 naming the first bad entry and why; --head catches an older copy', async () => {
    const v = await initVault();
    for (const purpose of ['auth', 'poison', 'secure-log']) expectOk(await v.run(['keys', 'generate', '--global', '--purpose', purpose]));
    expect(expectOk(await v.run(['audit', 'verify'])).stdout).toMatch(/^ok: audit log: 7 entries, every one authentic and in place; head 7:[0-9a-f]{16}\n$/);
    const head = await headOf(v);
    expect(head).toMatchObject({ seq: 7, authentic: true, head: `7:${head.hash.slice(0, 16)}` });
    expect(expectOk(await v.run(['audit', 'head'])).stdout).toContain(`head        ${head.head}`);
    expectOk(await v.run(['audit', 'verify', '--head', head.head]));

    const old = join(v.dir, 'old.db');
    withDb(v.path, (db) => db.exec(`VACUUM INTO '${old}'`));
    expectOk(await v.run(['keys', 'rotate', 'auth_key']));
    const later = await headOf(v);
    const stale = await v.run(['audit', 'verify', '--keystore', old, '--head', later.head, '--json']);
    expect(stale.code).toBe(1);
    expect(json<VerifyOutcome>(stale).problem).toMatchObject({ kind: 'truncated', seq: 8 });

    withDb(v.path, (db) => db.prepare("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 5").run());
    const text = await v.run(['audit', 'verify']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FAILED: entry 5 edited: /);
    const asJson = await v.run(['audit', 'verify', '--json']);
    expect(asJson.code).toBe(1);
    expect(json<VerifyOutcome>(asJson)).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 5 } });
    // Appends check only the head and the newest entry; the edit stays on record and is never signed.
    expectOk(await v.run(['keys', 'rotate', 'auth_key']));
    expect(json<VerifyOutcome>(await v.run(['audit', 'verify', '--json'])).problem).toMatchObject({ kind: 'edited', seq: 5 });
    expectTextError(await v.run(['audit', 'export', '--out', join(v.dir, 'a.json')]), 'AUDIT_TAMPERED');
    withDb(v.path, (db) => db.exec('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)'));
    expectTextError(await v.run(['keys', 'rotate', 'auth_key']), 'AUDIT_TAMPERED');
    expectTextError(await v.run(['audit', 'verify', '--head', 'seven']), 'INVALID_ARGUMENT', 2);
  });

  it('export --out writes a signed transcript that verifies elsewhere with only the file and the key; a changed one does not', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--client-id', 'orders', '--all', '--actor', 'Ana']));
    const file = join(v.dir, 'audit.json');
    const report = json<{ out: string; entries: number; head: string; publicKey: string }>(expectOk(await v.run(['audit', 'export', '--out', file, '--json', '--actor', 'Ana'])));
    expect(report).toMatchObject({ out: file, entries: 5 });
    expect((await headOf(v)).publicKey).toBe(report.publicKey);
    expectTextError(await v.run(['audit', 'export', '--out', file]), 'FILE_EXISTS');

    // "Another machine": no keystore, no master key in the environment.
    const elsewhere = (args: string[]) => runInProcess(['audit', 'verify-transcript', ...args], { env: {} });
    expect(expectOk(await elsewhere(['--file', file, '--public-key', report.publicKey])).stdout).toMatch(/^ok: transcript of vault [0-9a-f-]{19} exported \S+, signature valid: 5 entries/);
    expectOk(await elsewhere(['--file', file, '--public-key', report.publicKey, '--head', report.head]));
    const t = JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ actor: string | null }> };
    (t.entries[2] as { actor: string | null }).actor = 'Mallory';
    const changed = join(v.dir, 'changed.json');
    writeFileSync(changed, JSON.stringify(t));
    const bad = await elsewhere(['--file', changed, '--public-key', report.publicKey]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED: entry 3 edited/);
    const otherKey = Buffer.alloc(32, 1).toString('base64');
    expect((await elsewhere(['--file', file, '--public-key', otherKey, '--json'])).code).toBe(1);
    expectTextError(await elsewhere(['--file', file, '--public-key', 'not-a-key']), 'INVALID_ARGUMENT', 2);
    writeFileSync(changed, '{"format":"something else"}');
    expectJsonError(await elsewhere(['--file', changed, '--public-key', report.publicKey, '--json']), 'TRANSCRIPT_MALFORMED');
  });

  it('export --pdf prints the head, every entry and signature lines', async () => {
    const v = await initVault();
    expectOk(await v.run(['keys', 'generate', '--global', '--all', '--actor', 'Ana']));
    const pdf = join(v.dir, 'audit.pdf');
    const report = json<{ pdf: string; head: string }>(expectOk(await v.run(['audit', 'export', '--pdf', pdf, '--chromium', CHROMIUM, '--json'])));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Custos audit transcript');
    expect(text).toContain(report.head);
    for (const operation of ['init', 'unlock', 'key-generate', 'audit-export']) expect(text).toContain(operation);
    expect(text).toContain('poison_key v1');
    expect(text).toMatch(/Operator/);
    expect(text.match(/Witness/g)?.length).toBeGreaterThanOrEqual(3);
    expectTextError(await v.run(['audit', 'export']), 'INVALID_ARGUMENT', 2);
    expectTextError(await v.run(['audit', 'export', '--pdf', join(v.dir, 'b.pdf'), '--chromium', join(v.dir, 'none')]), 'CHROMIUM_NOT_FOUND');
  }, 30_000);

  it('no secret ever reaches an entry or a transcript: master key, key material, passphrases', async () => {
    const dir = (await initVault()).dir;
    const path = join(dir, 'p.db');
    const passphrase = 'correct horse battery staple';
    const passFile = join(dir, 'pass.txt');
    writeFileSync(passFile, passphrase);
    const { key, keyBytes } = newKey();
    const env = { CUSTOS_MASTER_KEY: key };
    const run = (args: string[]) => runInProcess([...args, '--keystore', path], { env });
    expectOk(await runInProcess(['init', '--keystore', path, '--passphrase-file', passFile, ...FAST_KDF_FLAGS], { env }));
    expectOk(await run(['keys', 'generate', '--client-id', 'orders', '--all']));
    expectOk(await run(['keys', 'generate', '--global', '--all']));
    expectOk(await run(['keys', 'rotate', 'orders_storage']));
    expectOk(await runInProcess(['export', '--all', '--private-keys', '--keystore', path, '--bundle', join(dir, 'k.bundle'), '--access-keys', join(dir, 'k.json')], { env }));
    expectTextError(await runInProcess(['info', '--keystore', path, '--passphrase-file', join(dir, 'k.json')]), 'WRONG_PASSPHRASE');
    expectOk(await run(['audit', 'export', '--out', join(dir, 't.json')]));
    const haystack = [readFileSync(join(dir, 't.json'), 'utf8'), expectOk(await run(['audit', 'list', '--json'])).stdout, expectOk(await run(['audit', 'list'])).stdout].join('\n');

    const secrets: string[] = [key, keyBytes.toString('hex'), passphrase, readFileSync(join(dir, 'k.json'), 'utf8').match(/"encryptionKey":\s*"([^"]+)"/)?.[1] ?? 'x'];
    const ks = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(keyBytes) });
    for (const row of ks.versionRows()) {
      if (!row.sealed) continue;
      const secret = Buffer.from(ks.openSecret(row));
      secrets.push(secret.toString('hex'), secret.toString('base64'), secret.toString('base64url'), Buffer.from(row.sealed).toString('hex').slice(0, 32));
    }
    ks.close();
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    expect(haystack).toContain('orders_storage');
  });
});
