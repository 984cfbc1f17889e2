/**
 * A whole 3-of-5 ceremony through the handler table: real worker, SQLite,
 * Chromium printing (the same HTML and handlers Electron's printer gets),
 * pdftoppm + zbarimg reading each sheet's QR code, then the CLI restoring the
 * master key from three of the PDFs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { auditOperations, createVault, PASS, recordedCeremonies, recorder, ROLES, vaultPath, wordsOf } from './ceremonyDriver.js';
import { startHarness } from './harness.js';

describe('the ceremony wizard, end to end through the handler table', () => {
  it('3 of 5 for two client ids: PDF sheets, each verified from its QR code, backup on two devices, transcript, restore from any three', async () => {
    const shm = otherDeviceDir();
    if (!shm.dir) throw new Error(shm.reason);
    const h = startHarness();
    const r = recorder(h);
    await createVault(h);
    expect((await r.ok('ceremony:state', {})).state).toBeNull();

    // Sheets on the keystore's own disk are refused, as the CLI refuses --out there.
    await r.ok('ceremony:begin', {});
    await r.ok('ceremony:roles', ROLES);
    const keys = await r.ok('ceremony:keys', { clientIds: ['billing-svc', 'orders-svc'], zoneIds: [] });
    expect(keys.created).toHaveLength(12);
    expect(keys.state.keys).toMatchObject({ clientIds: ['billing-svc', 'orders-svc'], created: 12, existing: 0 });
    expect(h.events.some((e) => e.channel === 'event:progress' && (e.payload as { task: string; done: number }).task === 'generate')).toBe(true);
    const split = await r.ok('ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], custodians: ROLES.custodians });
    expect(split.state).toMatchObject({ step: 'print', earlierCeremonies: 0, resplitNeeded: false, quorum: { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], passphraseUsed: false } });
    expect(split.state.ceremonyId).toMatch(/^\d+$/);
    expect(split.state.auditHead).toMatch(/^\d+:[0-9a-f]{16}$/);
    expect(split.state.sheets.map((s) => [s.index, s.member, s.custodian, s.printed])).toEqual(ROLES.custodians.map((c, i) => [i + 1, i + 1, c, false]));
    const quorumEvents = h.events.filter((e) => (e.payload as { task?: string }).task === 'split');
    expect(quorumEvents.at(-1)?.payload).toMatchObject({ done: 10, total: 10 });

    const preview = await r.ok('ceremony:preview', { paperSize: 'a4' });
    expect(preview).toMatchObject({ paperSize: 'a4', vaultName: 'ceremony', ceremonyId: split.state.ceremonyId, auditHead: split.state.auditHead, wordsPerSheet: 33, spool: null });
    expect(preview.sheets.map((s) => [s.member, s.memberCount, s.memberThreshold, s.custodian])).toEqual(ROLES.custodians.map((c, i) => [i + 1, 5, 3, c]));

    const sameDisk = join(tempDir('custos-sheets-'), 'sheets');
    h.folderChoices.push({ purpose: 'ceremony-sheets', path: sameDisk });
    const refused = await r.call('ceremony:print', { destination: 'pdf-folder', paperSize: 'a4' });
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('same disk as the vault') });
    expect(existsSync(sameDisk)).toBe(false);
    // No printer dialog exists outside Electron: the Chromium printer says so, and nothing is marked printed.
    expect(await r.call('ceremony:print', { destination: 'printer', paperSize: 'a4' })).toMatchObject({ ok: false, code: 'PRINT_FAILED' });

    const sheetsDir = join(shm.dir, 'sheets');
    h.folderChoices.push({ purpose: 'ceremony-sheets', path: sheetsDir });
    const printed = await r.ok('ceremony:print', { destination: 'pdf-folder', paperSize: 'a4' });
    expect(printed.files.map((f) => basename(f))).toEqual(['share-1.pdf', 'share-2.pdf', 'share-3.pdf', 'share-4.pdf', 'share-5.pdf']);
    expect(printed.state.step).toBe('verify');
    expect(printed.state.sheets.every((s) => s.printed && !s.verified)).toBe(true);
    for (const f of printed.files) expect(statSync(f).mode & 0o777).toBe(0o600);
    const words = await wordsOf(printed.files);
    expect(new Set(words).size).toBe(5);
    for (const w of words) expect(w.split(' ')).toHaveLength(33);

    // The camera is granted only at the verify step, and withdrawn when it is over.
    expect(await r.ok('ceremony:camera', { open: true })).toEqual({ open: true });
    expect(h.camera).toEqual([true]);

    // Sheet 2 held up as sheet 1: refused, and named.
    const wrong = await r.ok('ceremony:verifySheet', { index: 1, words: words[1] ?? '', how: 'camera' });
    expect(wrong).toMatchObject({ match: false, actualIndex: 2 });
    expect(wrong.state.sheets.every((s) => !s.verified)).toBe(true);
    // Each sheet must match before the next: main refuses sheet 2 (its own words) while sheet 1 is unverified, and the session is unchanged.
    const before = (await r.ok('ceremony:state', {})).state;
    expect(await r.call('ceremony:verifySheet', { index: 2, words: words[1] ?? '', how: 'camera' })).toMatchObject({ ok: false, code: 'SHEET_OUT_OF_ORDER', message: expect.stringContaining('sheet 1') });
    expect((await r.ok('ceremony:state', {})).state).toEqual(before);
    // Words of no sheet of this ceremony.
    const garbage = await r.ok('ceremony:verifySheet', { index: 1, words: 'academic acid acne', how: 'typed' });
    expect(garbage).toMatchObject({ match: false, actualIndex: null });

    for (const [i, w] of words.entries()) {
      // Nothing half-made looks complete: no ceremony record until the last sheet is verified.
      expect(recordedCeremonies(h)).toEqual([]);
      if (i === 2) expect(await r.call('ceremony:verifySheet', { index: 5, words: words[4] ?? '', how: 'typed' })).toMatchObject({ ok: false, code: 'SHEET_OUT_OF_ORDER' });
      const how = i === 4 ? 'typed' : 'camera';
      const v = await r.ok('ceremony:verifySheet', { index: i + 1, words: how === 'typed' ? w.toUpperCase().split(' ').join('  ') : w, how, by: ROLES.custodians[i] });
      expect(v.match).toBe(true);
      expect(v.state.sheets[i]).toMatchObject({ verified: true, verifiedBy: ROLES.custodians[i], verifiedHow: how });
    }
    const verified = (await r.ok('ceremony:state', {})).state;
    expect(verified).toMatchObject({ step: 'backup', recorded: true });
    expect(recordedCeremonies(h)).toEqual([{ id: split.state.ceremonyId }]);
    expect(h.camera).toEqual([true, false]);
    const splitEntry = auditOperations(h).find((e) => e.operation === 'paper-split');
    expect(splitEntry?.subject).toMatchObject({ ceremonyId: split.state.ceremonyId, auditHeadPrinted: split.state.auditHead });

    // Backup: never one folder or one device for both halves.
    const local = tempDir('custos-backup-');
    h.folderChoices.push({ purpose: 'backup-bundle', path: local }, { purpose: 'backup-access-keys', path: local });
    expect(await r.call('ceremony:backup', {})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('same folder') });
    const local2 = join(local, 'other');
    mkdirSync(local2);
    h.folderChoices.push({ purpose: 'backup-bundle', path: local }, { purpose: 'backup-access-keys', path: local2 });
    expect(await r.call('ceremony:backup', {})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('same device') });
    const keysDir = join(shm.dir, 'keys');
    mkdirSync(keysDir);
    h.folderChoices.push({ purpose: 'backup-bundle', path: local }, { purpose: 'backup-access-keys', path: keysDir });
    const backup = (await r.ok('ceremony:backup', {})).state;
    expect(backup.step).toBe('transcript');
    // With progress, as the issue asks, and for printing too.
    const progressOf = (task: string) => h.events.filter((e) => e.channel === 'event:progress' && (e.payload as { task: string }).task === task).map((e) => e.payload as { done: number; total: number });
    expect(progressOf('backup').length).toBeGreaterThan(0);
    expect(progressOf('backup').at(-1)).toMatchObject({ done: progressOf('backup').at(-1)?.total });
    expect(progressOf('print').at(-1)).toMatchObject({ done: 5, total: 5 });
    const bundleFile = backup.backup?.bundleFile ?? '';
    const accessFile = backup.backup?.accessKeysFile ?? '';
    expect(bundleFile.startsWith(local)).toBe(true);
    expect(accessFile.startsWith(keysDir)).toBe(true);
    expect(statSync(bundleFile).size).toBeGreaterThan(1000);
    const inspected = await runInProcess(['bundle', 'inspect', '--bundle', bundleFile, '--access-keys', accessFile, '--json'], { env: {} });
    expect(inspected.code, inspected.stderr).toBe(0);
    // The bundle holds both client ids' keys and the ceremony just recorded.
    expect(inspected.stdout).toContain('orders-svc_storage_sym');
    expect(inspected.stdout).toContain(split.state.ceremonyId ?? 'no id');

    // Transcript: the head the sheets carry, the roles, every step.
    const transcriptFile = join(tempDir('custos-transcript-'), 'transcript.pdf');
    h.saveChoices.push(transcriptFile);
    const t = await r.ok('ceremony:transcript', {});
    expect(t.file).toBe(transcriptFile);
    expect(t.state.step).toBe('done');
    const text = execFileSync('pdftotext', ['-layout', transcriptFile, '-'], { encoding: 'utf8' });
    expect(text).toContain(split.state.auditHead ?? 'no head');
    expect(text).toContain(split.state.ceremonyId ?? 'no id');
    expect(text).toContain(verified?.vaultFingerprint ?? 'no fingerprint');
    for (const name of [ROLES.operator, ...ROLES.witnesses, ...ROLES.custodians]) expect(text).toContain(name);
    // Every step with who and when: each logged time is printed (and each sheet's verification time).
    for (const l of t.state.log.filter((x) => x.step !== 'transcript')) expect(text).toContain(l.at);
    for (const sheet of t.state.sheets) expect(text).toContain(sheet.verifiedAt ?? 'never verified');
    expect(text).toMatch(/Signature/);

    expect(await r.ok('ceremony:finish', {})).toEqual({ finished: true, ceremonyId: split.state.ceremonyId });
    expect((await r.ok('ceremony:state', {})).state).toBeNull();
    // The next ceremony on this vault is warned: this one's sheets still restore the master key.
    expect((await r.ok('ceremony:begin', {})).state).toMatchObject({ step: 'roles', earlierCeremonies: 1 });
    expect(await r.ok('ceremony:abandon', { confirmation: 'abandon' })).toEqual({ abandoned: true });
    expect(recordedCeremonies(h)).toEqual([{ id: split.state.ceremonyId }]);

    // Any three of the PDFs restore the master key: the CLI reads their QR codes and checks it opens this vault.
    const passFile = join(h.dir, 'pass.txt');
    writeFileSync(passFile, `${PASS}\n`);
    for (const trio of [[0, 1, 2], [1, 3, 4]]) {
      const args = trio.flatMap((i) => ['--qr-image', printed.files[i] ?? '']);
      const restored = await runInProcess(['paper', 'restore', ...args, '--verify', '--keystore', vaultPath(h), '--json'], { env: {} });
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toContain(verified?.vaultFingerprint ?? 'x');
    }
    const info = await runInProcess(['info', '--keystore', vaultPath(h), '--passphrase-file', passFile, '--json'], { env: {} });
    expect(info.code, info.stderr).toBe(0);
    expect((JSON.parse(info.stdout) as { ceremonies: Array<{ id: string }> }).ceremonies.map((c) => c.id)).toEqual([split.state.ceremonyId]);

    // Secrets: no response main sent and no event carries a sheet's words, or any run of four of them.
    const sent = [...r.responses, ...h.events.map((e) => JSON.stringify(e.payload))].join('\n').toLowerCase();
    for (const w of words) {
      const list = w.split(' ');
      for (let i = 0; i + 4 <= list.length; i++) expect(sent).not.toContain(list.slice(i, i + 4).join(' '));
    }
  }, 180_000);
});
