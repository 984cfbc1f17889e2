import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/core/keystore/migrations/index.js';
import { APPLICATION_ID } from '../../../src-main/core/keystore/sqlite.js';
import { copyFileSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendNoteText, claimUnlockNotes, discardClaim, noteFailedUnlock, unlockNotesPath, type ClaimedNotes } from '../../../src-main/core/audit/unlockNotes.js';
import { auditHead } from '../../../src-main/core/audit/report.js';
import { exportBundle } from '../../../src-main/core/bundle/export.js';
import { openKeystore } from '../../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { checkShare, recordCeremony, splitVault } from '../../../src-main/core/paper/paperVault.js';
import { exportFrom, importInto, expectCode, withOpen } from '../bundle/helpers.js';
import { ALLOW_AUDIT_INSERTS, entriesOf, REFUSE_AUDIT_INSERTS, sql, verifyOf } from '../../helpers/audit.js';
import { makeVault } from '../../helpers/keystore.js';
import { sha256File, tempDir } from '../../helpers/tmp.js';

const open = (path: string, masterKey: Uint8Array, actor?: string) => openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) }, { actor });

describe('what the audit log records', () => {
  it('init is entry 1; an unlock is recorded with the first change, not before, and reading writes nothing to the keystore', async () => {
    const vault = await makeVault({ passphrase: 'pass words' });
    const first = await entriesOf(vault.path, vault.masterKey);
    expect(first).toEqual([expect.objectContaining({ seq: 1, operation: 'init', actor: null, outcome: 'ok', subject: expect.objectContaining({ unlock: ['master-key', 'passphrase'] }) })]);

    const hash = sha256File(vault.path);
    const reader = await open(vault.path, vault.masterKey, 'Reader');
    reader.list();
    reader.close();
    expect(sha256File(vault.path)).toBe(hash);

    const ks = await openKeystore(vault.path, { kind: 'passphrase', passphrase: 'pass words' }, { actor: 'Ana Ruiz' });
    const created = ks.generate([{ scope: 'client', clientId: 'orders' }]);
    ks.close();
    const entries = await entriesOf(vault.path, vault.masterKey);
    // The reader's unlock waited beside the keystore and came in with the first change.
    expect(entries.map((e) => [e.seq, e.operation, e.actor])).toEqual([
      [1, 'init', null],
      [2, 'unlock', 'Reader'],
      [3, 'unlock', 'Ana Ruiz'],
      [4, 'key-generate', 'Ana Ruiz'],
    ]);
    expect(entries[2]?.subject).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), unlockedAt: expect.any(String), method: 'passphrase' });
    expect(entries[3]?.subject).toEqual({ count: 6, keys: created.map((k) => ({ name: k.name, version: 1, fingerprint: k.fingerprint })) });
  });

  it('rotate, disable, enable and destroy each leave an entry naming the versions they touched', async () => {
    const vault = await makeVault();
    const ks = await open(vault.path, vault.masterKey, 'Ben');
    ks.generate([{ scope: 'client', clientId: 'orders', purposes: ['storage'] }]);
    const v2 = ks.rotate('orders_storage');
    const disabled = ks.disable('orders_storage');
    ks.enable('orders_storage');
    ks.destroy('orders_storage', 1);
    ks.close();
    const entries = (await entriesOf(vault.path, vault.masterKey)).slice(3);
    const fp = (v: number) => disabled.versions.find((x) => x.version === v)?.fingerprint;
    expect(entries.map((e) => [e.operation, e.actor, e.outcome, e.subject])).toEqual([
      ['key-rotate', 'Ben', 'ok', { count: 1, keys: [{ name: 'orders_storage', version: 2, fingerprint: v2.fingerprint }] }],
      ['key-disable', 'Ben', 'ok', { count: 2, keys: [1, 2].map((version) => ({ name: 'orders_storage', version, fingerprint: fp(version) })) }],
      ['key-enable', 'Ben', 'ok', { count: 2, keys: [1, 2].map((version) => ({ name: 'orders_storage', version, fingerprint: fp(version) })) }],
      ['key-destroy', 'Ben', 'ok', { count: 1, keys: [{ name: 'orders_storage', version: 1, fingerprint: fp(1) }] }],
    ]);
    expect((await verifyOf(vault.path, vault.masterKey)).ok).toBe(true);
  });

  it('an export (it reveals keys) and an import are recorded with every key, version and fingerprint', async () => {
    const source = await makeVault();
    const made = await withOpen(source, (ks) => ks.generate([{ scope: 'client', clientId: 'orders' }]));
    const exported = await exportFrom(source);
    const exportEntry = (await entriesOf(source.path, source.masterKey)).at(-1);
    expect(exportEntry).toMatchObject({ operation: 'export', outcome: 'ok', subject: { count: 6, privateKeys: true, pairFingerprint: exported.pairFingerprint, bundle: join(exported.dir, 'keys.bundle') } });
    expect(exportEntry?.subject).toMatchObject({ keys: made.map((k) => ({ name: k.name, version: 1, fingerprint: k.fingerprint })) });

    const target = await makeVault();
    await importInto(target, join(exported.dir, 'keys.bundle'), join(exported.dir, 'keys.access.json'));
    const importEntry = (await entriesOf(target.path, target.masterKey)).at(-1);
    expect(importEntry).toMatchObject({ operation: 'import', subject: { count: 6, onConflict: 'fail', skipped: 0, pairFingerprint: exported.pairFingerprint } });
  });

  it('a paper split is recorded with its sheet fingerprints (never words), a check with its verdict; the sheets carry the head', async () => {
    const vault = await makeVault();
    const ks = await open(vault.path, vault.masterKey, 'Ana');
    const before = auditHead(ks).head;
    const split = await splitVault(ks, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], custodians: ['Ana', 'Ben', 'Cy'] });
    expect(split.sheets.every((s) => s.auditHead === before)).toBe(true);
    recordCeremony(ks, split.record, before);
    checkShare(split.sheets[1]?.mnemonic ?? '', ks);
    ks.close();
    const entries = await entriesOf(vault.path, vault.masterKey);
    const splitEntry = entries.find((e) => e.operation === 'paper-split');
    expect(splitEntry?.subject).toMatchObject({ ceremonyId: split.record.id, groupThreshold: 1, auditHeadPrinted: before, sheets: split.sheets.map((s) => ({ group: 1, member: s.memberIndex, custodian: s.custodian, sheet: s.sheetFingerprint })) });
    expect(entries.at(-1)).toMatchObject({ operation: 'paper-check', actor: 'Ana', subject: { genuine: true, member: 2, custodian: 'Ben', ceremonyId: split.record.id } });
    const text = JSON.stringify(entries);
    for (const sheet of split.sheets) {
      const words = sheet.mnemonic.split(' ');
      for (let i = 0; i + 3 <= words.length; i++) expect(text).not.toContain(words.slice(i, i + 3).join(' '));
    }
  });
});

describe('no entry, no change', () => {
  it('when the audit insert fails, the key change rolls back with it, and the unlock is noted beside the keystore instead', async () => {
    const vault = await makeVault();
    await withOpen(vault, (ks) => ks.generate([{ scope: 'client', clientId: 'orders', purposes: ['storage'] }]));
    const ks = await open(vault.path, vault.masterKey, 'Ana');
    // Planted while the keystore is open: at open, the schema check would refuse a file with a trigger.
    sql(vault.path, REFUSE_AUDIT_INSERTS);
    await expectCode(() => ks.generate([{ scope: 'client', clientId: 'billing' }]), 'AUDIT_WRITE_FAILED');
    await expectCode(() => ks.rotate('orders_storage'), 'AUDIT_WRITE_FAILED');
    await expectCode(() => ks.disable('orders_storage'), 'AUDIT_WRITE_FAILED');
    await expectCode(() => ks.destroy('orders_storage'), 'AUDIT_WRITE_FAILED');
    expect(ks.list({ allVersions: true }).map((k) => [k.name, k.version, k.state])).toEqual([['orders_storage', 1, 'active']]);

    const dir = tempDir();
    await expectCode(
      () => exportBundle(ks, { bundlePath: join(dir, 'b.bundle'), accessKeysPath: join(dir, 'b.json'), selection: { all: true }, privateKeys: true }),
      'AUDIT_WRITE_FAILED',
    );
    expect(existsSync(join(dir, 'b.bundle')) || existsSync(join(dir, 'b.json'))).toBe(false);
    ks.close();

    sql(vault.path, ALLOW_AUDIT_INSERTS);
    const again = await open(vault.path, vault.masterKey, 'Ana');
    again.rotate('orders_storage');
    again.close();
    const ops = (await entriesOf(vault.path, vault.masterKey)).map((e) => [e.operation, e.actor]);
    // Ana's session changed nothing: its unlock was noted beside the keystore, and comes in before this one.
    expect(ops).toEqual([['init', null], ['unlock', null], ['key-generate', null], ['unlock', 'Ana'], ['unlock', 'Ana'], ['key-rotate', 'Ana']]);
  });

  it('a log whose head or newest entries were tampered with refuses further changes (AUDIT_TAMPERED)', async () => {
    const vault = await makeVault();
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    sql(vault.path, 'DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);');
    const ks = await vault.open();
    await expectCode(() => ks.generate([{ scope: 'client', clientId: 'orders' }]), 'AUDIT_TAMPERED');
    expect(ks.list()).toHaveLength(4);
    ks.close();
  });
});

describe('unlocks noted beside the keystore', () => {
  const notesOf = (path: string) => readFileSync(unlockNotesPath(path), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('failed and successful unlocks are noted at once, then folded into the chain by the next change (before it)', async () => {
    const vault = await makeVault({ passphrase: 'right' });
    const hash = sha256File(vault.path);
    await expect(openKeystore(vault.path, { kind: 'master-key', masterKey: generateMasterKey() }, { actor: 'Mallory' })).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
    await expect(openKeystore(vault.path, { kind: 'passphrase', passphrase: 'wrong' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const reader = await open(vault.path, vault.masterKey, 'Reader');
    reader.list();
    reader.close();
    expect(sha256File(vault.path)).toBe(hash);
    const notes = notesOf(vault.path);
    expect(notes).toEqual([
      expect.objectContaining({ v: 1, method: 'master-key', code: 'WRONG_MASTER_KEY', actor: 'Mallory' }),
      expect.objectContaining({ v: 1, method: 'passphrase', code: 'WRONG_PASSPHRASE', actor: null }),
      expect.objectContaining({ v: 1, op: 'unlock', method: 'master-key', code: 'OK', actor: 'Reader', mac: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    expect(notes[0]).not.toHaveProperty('op');
    expect(notes[0]).not.toHaveProperty('mac');

    const ks = await open(vault.path, vault.masterKey, 'Ana');
    ks.list();
    expect(sha256File(vault.path)).toBe(hash);
    expect(notesOf(vault.path).at(-1)).toMatchObject({ op: 'unlock', actor: 'Ana' });
    expect(ks.unlockNotesWaiting()).toEqual({ failed: 2, unlocked: 1, unreadable: 0 });
    ks.generate([{ scope: 'client', clientId: 'orders', purposes: ['storage'] }]);
    expect(existsSync(unlockNotesPath(vault.path))).toBe(false);
    ks.close();
    expect(existsSync(unlockNotesPath(vault.path))).toBe(false);
    const entries = await entriesOf(vault.path, vault.masterKey);
    expect(entries.map((e) => [e.operation, e.actor, e.outcome])).toEqual([
      ['init', null, 'ok'],
      ['unlock-failed', 'Mallory', 'WRONG_MASTER_KEY'],
      ['unlock-failed', null, 'WRONG_PASSPHRASE'],
      ['unlock', 'Reader', 'ok'],
      ['unlock', 'Ana', 'ok'],
      ['key-generate', 'Ana', 'ok'],
    ]);
    expect(entries[1]?.subject).toEqual({ id: notes[0]?.['id'], attemptedAt: notes[0]?.['at'], method: 'master-key' });
    expect(entries[3]?.subject).toEqual({ id: notes[2]?.['id'], unlockedAt: notes[2]?.['at'], method: 'master-key' });
    expect((await verifyOf(vault.path, vault.masterKey)).ok).toBe(true);
  });

  it('a session that is never closed (an app quit, a killed process) has its unlock noted all the same', async () => {
    const vault = await makeVault();
    const abandoned = await open(vault.path, vault.masterKey, 'Quitter');
    abandoned.list();
    // No close(): as when the worker is terminated.
    expect(notesOf(vault.path)).toEqual([expect.objectContaining({ op: 'unlock', actor: 'Quitter' })]);
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    expect((await entriesOf(vault.path, vault.masterKey)).map((e) => [e.operation, e.actor])).toEqual([
      ['init', null],
      ['unlock', 'Quitter'],
      ['unlock', null],
      ['key-generate', null],
    ]);
  });

  it('an unlock note that is not MACed under the audit root is recorded as unverified, never as that person unlocking', async () => {
    const vault = await makeVault();
    const forged = { v: 1, id: 'f0f0f0f0f0f0f0f0', at: '2026-01-01T00:00:00.000Z', op: 'unlock', method: 'passphrase', code: 'OK', actor: 'Ana' };
    writeFileSync(unlockNotesPath(vault.path), `${JSON.stringify(forged)}\n${JSON.stringify({ ...forged, id: 'e1e1e1e1e1e1e1e1', mac: 'ab'.repeat(32) })}\n`, { mode: 0o600 });
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    const entries = await entriesOf(vault.path, vault.masterKey);
    expect(entries.map((e) => [e.operation, e.actor, e.outcome])).toEqual([
      ['init', null, 'ok'],
      ['unlock-unverified', 'Ana', 'NOTE_MAC_INVALID'],
      ['unlock-unverified', 'Ana', 'NOTE_MAC_INVALID'],
      ['unlock', null, 'ok'],
      ['key-generate', null, 'ok'],
    ]);
  });

  it('a change that fails keeps the notes where they are; a fold that crashed before removing them is not recorded twice; unreadable lines are recorded once', async () => {
    const vault = await makeVault();
    await expect(openKeystore(vault.path, { kind: 'master-key', masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
    const note = readFileSync(unlockNotesPath(vault.path), 'utf8');
    const failing = await vault.open();
    const before = notesOf(vault.path);
    sql(vault.path, REFUSE_AUDIT_INSERTS);
    await expectCode(() => failing.generate([{ scope: 'global' }]), 'AUDIT_WRITE_FAILED');
    expect(notesOf(vault.path)).toEqual(before);
    expect(readdirSync(join(vault.path, '..')).filter((f) => f.endsWith('.folding'))).toEqual([]);
    failing.close();
    sql(vault.path, ALLOW_AUDIT_INSERTS);
    expect(notesOf(vault.path).map((n) => n['code'])).toEqual(['WRONG_MASTER_KEY', 'OK']);

    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    // As if that fold had crashed after its commit, before removing the file: the same line again, and garbage.
    writeFileSync(unlockNotesPath(vault.path), `${note}not json\n`, { mode: 0o600 });
    await withOpen(vault, (ks) => ks.rotate('poison_key'));
    // And the same garbage once more (a second crash): it is not recorded twice.
    writeFileSync(unlockNotesPath(vault.path), 'not json\n', { mode: 0o600 });
    await withOpen(vault, (ks) => ks.rotate('poison_key'));
    const entries = await entriesOf(vault.path, vault.masterKey);
    expect(entries.map((e) => [e.operation, e.outcome])).toEqual([
      ['init', 'ok'],
      ['unlock-failed', 'WRONG_MASTER_KEY'],
      ['unlock', 'ok'],
      ['unlock', 'ok'],
      ['key-generate', 'ok'],
      ['unlock', 'ok'],
      ['unlock-failed', 'UNREADABLE'],
      ['key-rotate', 'ok'],
      ['unlock', 'ok'],
      ['key-rotate', 'ok'],
    ]);
    expect(existsSync(unlockNotesPath(vault.path))).toBe(false);
  });

  it('a line cut short by a crash spoils only itself: the next note starts on a line of its own', async () => {
    const vault = await makeVault();
    writeFileSync(unlockNotesPath(vault.path), '{"v":1,"id":"cut', { mode: 0o600 });
    await expect(openKeystore(vault.path, { kind: 'master-key', masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    const ops = (await entriesOf(vault.path, vault.masterKey)).map((e) => [e.operation, e.outcome]);
    expect(ops).toEqual([['init', 'ok'], ['unlock-failed', 'WRONG_MASTER_KEY'], ['unlock', 'ok'], ['unlock-failed', 'UNREADABLE'], ['key-generate', 'ok']]);
  });
});

describe('unlock notes while a fold runs', () => {
  it('a note made by another process while the fold is in its transaction is kept for the next fold, not removed with the folded ones', async () => {
    const vault = await makeVault();
    await expect(openKeystore(vault.path, { kind: 'master-key', masterKey: generateMasterKey() })).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
    const ks = await open(vault.path, vault.masterKey, 'Ana');
    ks.internal('write', (ctx) => {
      ctx.audit.append({ operation: 'audit-export', subject: { note: 'the fold happens here' } });
      // As if another process failed to unlock just now: after the fold read the notes, before it commits.
      expect(noteFailedUnlock(vault.path, { method: 'passphrase', code: 'WRONG_PASSPHRASE', actor: 'Mallory' })).toBeNull();
    });
    ks.close();
    expect(readFileSync(unlockNotesPath(vault.path), 'utf8')).toContain('"actor":"Mallory"');
    await withOpen(vault, (k) => k.generate([{ scope: 'global' }]));
    const entries = await entriesOf(vault.path, vault.masterKey);
    expect(entries.map((e) => [e.operation, e.outcome])).toEqual([
      ['init', 'ok'],
      ['unlock-failed', 'WRONG_MASTER_KEY'],
      ['unlock', 'ok'],
      ['audit-export', 'ok'],
      ['unlock-failed', 'WRONG_PASSPHRASE'],
      ['unlock', 'ok'],
      ['key-generate', 'ok'],
    ]);
    expect(readdirSync(join(vault.path, '..')).filter((f) => f.includes('.unlocks'))).toEqual([]);
  });
});

describe('unlock notes: the sidecar files themselves', () => {
  it('a note whose writer opened the sidecar just before a fold set it aside is written again to the fresh sidecar', () => {
    const keystore = join(tempDir(), 'k.db');
    let claim: ClaimedNotes | null = null;
    expect(appendNoteText(keystore, '{"late":1}\n', () => (claim = claimUnlockNotes(keystore)))).toBeNull();
    expect(claim).not.toBeNull();
    discardClaim(claim as unknown as ClaimedNotes); // the fold commits and removes what it set aside
    expect(readFileSync(unlockNotesPath(keystore), 'utf8')).toContain('{"late":1}');
  });

  it("a fold takes only this keystore's claim files, and never follows a symlink", () => {
    const dir = tempDir();
    const keystore = join(dir, 'vault.db');
    const sibling = join(dir, 'vault.db.unlocks.abc');
    const siblingClaim = `${sibling}.unlocks.0123456789ab.folding`;
    writeFileSync(siblingClaim, '{"v":1,"id":"0000000000000000","at":"x","method":"passphrase","code":"WRONG_PASSPHRASE","actor":null}\n');
    symlinkSync('/etc/hostname', `${keystore}.unlocks.aaaaaaaaaaaa.folding`);
    const claim = claimUnlockNotes(keystore);
    expect(claim.files).toEqual([]);
    expect(claim.notes).toEqual([]);
    expect(existsSync(siblingClaim)).toBe(true);
  });
});

describe('tampering with the file, found by verify', () => {
  async function busyVault() {
    const vault = await makeVault();
    for (const id of ['alpha', 'bravo', 'charlie', 'delta']) await withOpen(vault, (ks) => ks.generate([{ scope: 'client', clientId: `${id}-svc`, purposes: ['storage'] }]));
    return vault; // entries: init, then (unlock, key-generate) x 4 = 9
  }
  const cases: Array<[string, string, { kind: string; seq: number }]> = [
    ['an edited actor', "UPDATE audit_log SET actor = 'Mallory' WHERE seq = 4", { kind: 'edited', seq: 4 }],
    ['an edited subject', `UPDATE audit_log SET subject = '{"count":0,"keys":[]}' WHERE seq = 5`, { kind: 'edited', seq: 5 }],
    ['a removed entry', 'DELETE FROM audit_log WHERE seq = 3', { kind: 'removed', seq: 3 }],
    ['two entries swapped (contents change places)', 'UPDATE audit_log SET seq = seq + 100 WHERE seq IN (4, 6); UPDATE audit_log SET seq = 6 WHERE seq = 104; UPDATE audit_log SET seq = 4 WHERE seq = 106;', { kind: 'reordered', seq: 4 }],
    ['an inserted entry', "INSERT INTO audit_log SELECT 10, at, 'key-destroy', 'Mallory', subject, outcome, prev, hash, mac FROM audit_log WHERE seq = 9", { kind: 'inserted', seq: 10 }],
    ['the newest entries cut off', 'DELETE FROM audit_log WHERE seq > 6', { kind: 'truncated', seq: 7 }],
    ['the head deleted', 'DELETE FROM audit_head', { kind: 'head-missing', seq: 9 }],
  ];
  it.each(cases)('%s', async (_label, statements, expected) => {
    const vault = await busyVault();
    expect(await verifyOf(vault.path, vault.masterKey)).toMatchObject({ ok: true, entries: 9 });
    sql(vault.path, statements);
    expect((await verifyOf(vault.path, vault.masterKey)).problem).toMatchObject(expected);
  });

  it('a whole older copy passes alone, and fails against the head shown later (truncated)', async () => {
    const vault = await busyVault();
    const old = join(vault.dir, 'old.db');
    sql(vault.path, `VACUUM INTO '${old}'`);
    await withOpen(vault, (ks) => ks.rotate('alpha-svc_storage'));
    const head = await withOpen(vault, (ks) => auditHead(ks));
    copyFileSync(old, vault.path);
    expect((await verifyOf(vault.path, vault.masterKey)).ok).toBe(true);
    expect((await verifyOf(vault.path, vault.masterKey, { seq: head.seq, hash: head.hash.slice(0, 16) })).problem).toMatchObject({ kind: 'truncated', seq: 10 });
  });

  it('a keystore made before the audit log starts one at its first unlock (audit-start), in the migration transaction', async () => {
    const vault = await makeVault();
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    // A schema-3 file: migrations 1 to 3 exactly, holding this keystore's rows.
    const v3 = join(vault.dir, 'v3.db');
    const db = new Database(v3);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const m of MIGRATIONS.filter((x) => x.version <= 3)) db.exec(m.up);
    db.pragma('user_version = 3');
    db.exec(`ATTACH '${vault.path}' AS cur;
      INSERT INTO keystore SELECT singleton, keystore_id, key_check, created_at FROM cur.keystore;
      INSERT INTO keys SELECT id, name, client_id, zone_id, purpose, algorithm, current_version, created_at FROM cur.keys;
      INSERT INTO key_versions SELECT * FROM cur.key_versions;
      DETACH cur;`);
    db.close();
    copyFileSync(v3, vault.path);
    await withOpen(vault, (ks) => ks.rotate('auth_key'));
    const entries = await entriesOf(vault.path, vault.masterKey);
    expect(entries.map((e) => [e.seq, e.operation])).toEqual([
      [1, 'audit-start'],
      [2, 'unlock'],
      [3, 'key-rotate'],
    ]);
    expect(entries[0]?.subject).toEqual({ fromSchema: 3, toSchema: SCHEMA_VERSION });
    expect((await verifyOf(vault.path, vault.masterKey)).ok).toBe(true);
  });
});
