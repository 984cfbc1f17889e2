/**
 * The wizard's session rules through the handler table: the air-gap stop and
 * its audited override, resuming after the worker restarts (vault locked and
 * unlocked again), and abandoning without leaving a ceremony record.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { otherDeviceDir } from '../helpers/otherDevice.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { auditOperations, createVault, PASS, recordedCeremonies, recorder, ROLES, throughPrint, vaultPath, wordsOf } from './ceremonyDriver.js';
import { startHarness } from './harness.js';

const LAN = { airGapped: false, interfaces: [{ name: 'eth0', address: '192.168.1.20', family: 'IPv4' as const }] };

function sheetsDir(): string {
  const shm = otherDeviceDir();
  if (!shm.dir) throw new Error(shm.reason);
  return join(shm.dir, 'sheets');
}

describe('ceremony wizard: air gap', () => {
  it('stops while a non-loopback interface is up, names it, and goes on only with a typed reason, which the audit log keeps', async () => {
    const h = startHarness();
    await createVault(h);
    h.network.current = LAN;
    const begun = await h.ok('ceremony:begin', {});
    expect(begun.state).toMatchObject({ step: 'air-gap', airGap: { airGapped: false, interfaces: LAN.interfaces, overrideReason: null } });
    expect(await h.call('ceremony:roles', ROLES)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining("step 'air gap'") });
    expect(await h.call('ceremony:camera', { open: true })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(h.camera).toEqual([]);
    expect((await h.ok('ceremony:airGap', {})).state.step).toBe('air-gap');
    expect(await h.call('ceremony:airGap', { override: { reason: 'too short' } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(auditOperations(h).some((e) => e.operation === 'ceremony-air-gap-override')).toBe(false);

    const reason = 'laptop has no switch for its Wi-Fi; cable unplugged';
    const overridden = await h.ok('ceremony:airGap', { override: { reason } });
    expect(overridden.state).toMatchObject({ step: 'roles', airGap: { airGapped: false, overrideReason: reason } });
    expect(overridden.state.log.at(-1)).toMatchObject({ step: 'air-gap', note: expect.stringContaining(reason) });
    const entry = auditOperations(h).find((e) => e.operation === 'ceremony-air-gap-override');
    expect(entry?.subject).toEqual({ session: overridden.state.sessionId, reason, interfaces: ['eth0 192.168.1.20'] });
    // Once past the air gap, the check is not run again by this step.
    expect(await h.call('ceremony:airGap', {})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('with no interface up, begin passes the air gap at once and needs no override', async () => {
    const h = startHarness();
    await createVault(h);
    const begun = await h.ok('ceremony:begin', {});
    expect(begun.state).toMatchObject({ step: 'roles', airGap: { airGapped: true, interfaces: [], overrideReason: null } });
    expect(await h.call('ceremony:begin', {})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('already under way') });
  });
});

describe('ceremony wizard: resume', () => {
  it('resumes after the worker restarts: before printing the split is made again; after printing the verified sheets stay verified', async () => {
    const h1 = startHarness();
    const r1 = recorder(h1);
    const vault = await createVault(h1);
    await r1.ok('ceremony:begin', {});
    await r1.ok('ceremony:roles', ROLES);
    await r1.ok('ceremony:keys', { clientIds: ['billing-svc'], zoneIds: [] });
    const first = await r1.ok('ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], custodians: ROLES.custodians });
    expect(first.state.step).toBe('print');
    await h1.close();

    // A new worker on the same vault folder: the words died with the old one.
    const h2 = startHarness({ dir: h1.dir });
    expect(await h2.call('ceremony:state', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    await h2.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    const resumed = (await h2.ok('ceremony:state', {})).state;
    expect(resumed).toMatchObject({ sessionId: first.state.sessionId, step: 'quorum', resplitNeeded: true, ceremonyId: first.state.ceremonyId, roles: ROLES });
    const dir = sheetsDir();
    h2.folderChoices.push({ purpose: 'ceremony-sheets', path: dir });
    expect(await h2.call('ceremony:print', { destination: 'pdf-folder', paperSize: 'a4' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('split anew') });
    h2.folderChoices.length = 0;
    const again = await h2.ok('ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], custodians: ROLES.custodians });
    expect(again.state).toMatchObject({ step: 'print', resplitNeeded: false });
    expect(again.state.ceremonyId).not.toBe(first.state.ceremonyId);
    h2.folderChoices.push({ purpose: 'ceremony-sheets', path: dir });
    const printed = await h2.ok('ceremony:print', { destination: 'pdf-folder', paperSize: 'a4' });
    const words = await wordsOf(printed.files);
    for (const i of [0, 1]) expect((await h2.ok('ceremony:verifySheet', { index: i + 1, words: words[i] ?? '', how: 'scan' })).match).toBe(true);
    // Locking drops the worker's keys (a restart is the same) and withdraws the camera.
    await h2.ok('ceremony:camera', { open: true });
    await h2.ok('vault:lock', {});
    expect(h2.camera).toEqual([true, false]);
    await h2.close();

    const h3 = startHarness({ dir: h1.dir });
    await h3.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    const later = (await h3.ok('ceremony:state', {})).state;
    expect(later).toMatchObject({ step: 'verify', resplitNeeded: false, ceremonyId: again.state.ceremonyId, recorded: false });
    expect(later?.sheets.map((s) => [s.printed, s.verified])).toEqual([[true, true], [true, true], [true, false], [true, false], [true, false]]);
    expect(recordedCeremonies(h3)).toEqual([]);
    // The tags kept in the keystore still tell the sheets apart.
    expect(await h3.ok('ceremony:verifySheet', { index: 3, words: words[4] ?? '', how: 'typed' })).toMatchObject({ match: false, actualIndex: 5 });
    for (const i of [2, 3, 4]) expect((await h3.ok('ceremony:verifySheet', { index: i + 1, words: words[i] ?? '', how: 'typed' })).match).toBe(true);
    expect((await h3.ok('ceremony:state', {})).state).toMatchObject({ step: 'backup', recorded: true });
    expect(recordedCeremonies(h3)).toEqual([{ id: again.state.ceremonyId }]);
    // Recorded: abandoning would hide valid sheets, so it is refused.
    expect(await h3.call('ceremony:abandon', { confirmation: 'abandon' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  }, 120_000);
});

describe('ceremony wizard: abandon', () => {
  it('after printing, abandoning (typed confirmation) deletes the session and leaves no ceremony record; the audit log says so', async () => {
    const h = startHarness();
    const r = recorder(h);
    await createVault(h);
    const { printed } = await throughPrint(h, r, { sheetsDir: sheetsDir(), groups: [{ threshold: 2, count: 3 }], clientIds: ['billing-svc'] });
    await r.ok('ceremony:camera', { open: true });
    const words = await wordsOf(printed.files);
    expect((await r.ok('ceremony:verifySheet', { index: 1, words: words[0] ?? '', how: 'camera' })).match).toBe(true);
    expect(await h.call('ceremony:abandon', { confirmation: 'yes' })).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
    expect((await h.ok('ceremony:state', {})).state?.step).toBe('verify');
    expect(await h.ok('ceremony:abandon', { confirmation: 'abandon' })).toEqual({ abandoned: true });
    expect(h.camera.at(-1)).toBe(false);
    expect((await h.ok('ceremony:state', {})).state).toBeNull();
    expect(recordedCeremonies(h)).toEqual([]);
    const entry = auditOperations(h).find((e) => e.operation === 'ceremony-abandoned');
    expect(entry?.subject).toMatchObject({ step: 'verify', sheetsPrinted: 3, identifier: expect.any(Number) });
    expect(auditOperations(h).some((e) => e.operation === 'paper-split')).toBe(false);
    const passFile = join(tempDir('custos-pass-'), 'pass.txt');
    writeFileSync(passFile, `${PASS}\n`);
    const info = await runInProcess(['info', '--keystore', vaultPath(h), '--passphrase-file', passFile, '--json'], { env: {} });
    expect(info.code, info.stderr).toBe(0);
    expect((JSON.parse(info.stdout) as { ceremonies: unknown[] }).ceremonies).toEqual([]);
    // The sheets' words are not recognised by this vault: they belong to no ceremony.
    const check = await runInProcess(['paper', 'check', '--keystore', vaultPath(h), '--passphrase-file', passFile, '--qr-image', printed.files[0] ?? '', '--json'], { env: {} });
    expect(check.stdout, check.stderr).toMatch(/"genuine":\s*false/);
    // A new ceremony can begin.
    expect((await h.ok('ceremony:begin', {})).state.step).toBe('roles');
  }, 120_000);
});

describe('ceremony wizard: before printing on Linux', () => {
  it("reads CUPS's PreserveJobFiles and says what it means in the preview", async () => {
    const cups = tempDir('custos-cups-');
    writeFileSync(join(cups, 'cupsd.conf'), 'LogLevel warn\nPreserveJobFiles Yes\n');
    const h = startHarness({ cupsServerRoot: cups });
    await createVault(h);
    await h.ok('ceremony:begin', {});
    await h.ok('ceremony:roles', { operator: 'Olivia', witnesses: [], custodians: ['Ana', 'Ben'] });
    expect(await h.call('ceremony:preview', { paperSize: 'letter' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await h.ok('ceremony:keys', { clientIds: [], zoneIds: [] });
    // A custodian who was not named in the roles step is refused.
    expect(await h.call('ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], custodians: ['Ana', 'Mallory'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await h.ok('ceremony:quorum', { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], custodians: ['Ana', 'Ben'] });
    const preview = await h.ok('ceremony:preview', { paperSize: 'letter' });
    expect(preview.spool).toMatchObject({ setting: 'yes', seconds: null, file: join(cups, 'cupsd.conf'), warning: expect.stringContaining('PreserveJobFiles No') });
    writeFileSync(join(cups, 'cupsd.conf'), 'PreserveJobFiles No\n');
    expect((await h.ok('ceremony:preview', { paperSize: 'a4' })).spool).toMatchObject({ setting: 'no', warning: null });
  });
});
