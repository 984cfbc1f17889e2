/**
 * A ceremony begun with no vault (the Welcome screen): air gap and roles run
 * in main on a draft; step 3 creates the vault through vault:create, the same
 * channel the Welcome screen's form uses, and ceremony:begin moves the draft
 * into it: session, roles, the air-gap override and its typed reason, in the
 * vault's session and audit log, naming who did each step.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { PASS, ROLES, vaultPath } from './ceremonyDriver.js';
import { FAST_KDF, startHarness, type Harness } from './harness.js';

const LAN = { airGapped: false, interfaces: [{ name: 'wlan0', address: '10.1.2.3', family: 'IPv4' as const }] };
const REASON = 'the laptop has no switch for its Wi-Fi; the room has no access point';

function auditRows(h: Harness): Array<{ operation: string; actor: string | null; subject: Record<string, unknown> }> {
  const db = new Database(vaultPath(h), { readonly: true });
  try {
    const rows = db.prepare('SELECT operation, actor, subject FROM audit_log ORDER BY seq').all() as Array<{ operation: string; actor: string | null; subject: string }>;
    return rows.map((r) => ({ ...r, subject: JSON.parse(r.subject) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

describe('a ceremony begun before its vault exists', () => {
  it('runs the air gap (overridden) and the roles with no vault; the vault created at step 3 then holds them, with audit entries naming who did each step', async () => {
    const h = startHarness();
    h.network.current = LAN;
    // No vault open and no ceremony: main cannot say there is none in a locked vault.
    expect(await h.call('ceremony:state', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    const begun = (await h.ok('ceremony:begin', {})).state;
    expect(begun).toMatchObject({ beforeVault: true, step: 'air-gap', vaultFingerprint: '', airGap: { airGapped: false, interfaces: LAN.interfaces } });
    // Steps that need a vault are refused until it exists.
    expect(await h.call('ceremony:keys', { clientIds: ['billing-svc'], zoneIds: [] })).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    expect(await h.call('ceremony:roles', ROLES)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining("step 'air gap'") });
    expect(await h.call('ceremony:airGap', { override: { reason: 'too short' } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect((await h.ok('ceremony:airGap', { override: { reason: REASON } })).state).toMatchObject({ beforeVault: true, step: 'roles', airGap: { overrideReason: REASON } });
    // A refused step leaves the draft as it was.
    expect(await h.call('ceremony:roles', { ...ROLES, witnesses: [ROLES.operator] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect((await h.ok('ceremony:state', {})).state).toMatchObject({ step: 'roles', roles: null });
    const named = (await h.ok('ceremony:roles', ROLES)).state;
    expect(named).toMatchObject({ beforeVault: true, step: 'keys', roles: ROLES });
    expect(existsSync(h.vaultsDir) ? readdirSync(h.vaultsDir).filter((f) => f.endsWith('.db')) : []).toEqual([]);

    // Step 3: the vault, made by vault:create as the Welcome screen makes it. Until begin, the draft is still the ceremony shown.
    const vault = await h.ok('vault:create', { name: 'ceremony', passphrase: PASS, kdf: FAST_KDF });
    expect((await h.ok('ceremony:state', {})).state).toMatchObject({ beforeVault: true, sessionId: begun.sessionId });
    const adopted = (await h.ok('ceremony:begin', {})).state;
    expect(adopted).toMatchObject({ beforeVault: false, sessionId: begun.sessionId, step: 'keys', vaultFingerprint: vault.vaultFingerprint, roles: ROLES, airGap: { airGapped: false, overrideReason: REASON } });
    expect(adopted.log.map((l) => [l.step, l.by])).toEqual([['air-gap', ROLES.operator], ['roles', ROLES.operator], ['keys', ROLES.operator]]);
    expect(adopted.log[0]?.note).toContain(REASON);
    expect(adopted.log[2]?.note).toContain(vault.vaultFingerprint);

    // The vault's audit log: the override with its reason and who decided, then what the draft did, by whom and when.
    const rows = auditRows(h);
    const override = rows.find((r) => r.operation === 'ceremony-air-gap-override');
    expect(override).toMatchObject({ actor: ROLES.operator, subject: { session: begun.sessionId, reason: REASON, interfaces: ['wlan0 10.1.2.3'], decidedAt: adopted.log[0]?.at, beforeVault: true } });
    const draft = rows.find((r) => r.operation === 'ceremony-begun-before-vault');
    expect(draft).toMatchObject({ actor: ROLES.operator, subject: { session: begun.sessionId, vault: 'ceremony', roles: ROLES, airGap: { overrideReason: REASON } } });
    expect((draft?.subject['steps'] as Array<{ step: string; by: string }>).map((s) => [s.step, s.by])).toEqual([['air-gap', ROLES.operator], ['roles', ROLES.operator]]);

    // The log with the adopted entries still verifies, as custos audit verify checks it.
    const passFile = join(h.dir, 'pass.txt');
    writeFileSync(passFile, `${PASS}\n`);
    const verified = await runInProcess(['audit', 'verify', '--keystore', vaultPath(h), '--passphrase-file', passFile], { env: {} });
    expect(verified.code, verified.stderr).toBe(0);

    // The ceremony goes on in the vault; the draft is gone from main.
    expect((await h.ok('ceremony:keys', { clientIds: ['billing-svc'], zoneIds: [] })).state).toMatchObject({ step: 'quorum', beforeVault: false });
    await h.ok('vault:lock', {});
    expect(await h.call('ceremony:state', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    expect((await h.ok('ceremony:state', {})).state).toMatchObject({ sessionId: begun.sessionId, step: 'quorum', beforeVault: false });
    await h.close();
  }, 120_000);

  it('an unlocked vault with no ceremony of its own adopts the draft; abandoning a draft leaves nothing anywhere', async () => {
    const h = startHarness();
    const vault = await h.ok('vault:create', { name: 'ceremony', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('vault:lock', {});
    // Air-gapped: the check passes at once; no override, so no override entry later.
    expect((await h.ok('ceremony:begin', {})).state).toMatchObject({ beforeVault: true, step: 'roles' });
    expect(await h.call('ceremony:abandon', { confirmation: 'abandon' })).toMatchObject({ ok: true });
    expect(await h.call('ceremony:state', {})).toMatchObject({ ok: false, code: 'KEYSTORE_LOCKED' });
    const before = auditRows(h).length;
    await h.ok('ceremony:begin', {});
    await h.ok('ceremony:roles', ROLES);
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
    const adopted = (await h.ok('ceremony:begin', {})).state;
    expect(adopted).toMatchObject({ beforeVault: false, step: 'keys', roles: ROLES, vaultFingerprint: vault.vaultFingerprint });
    const added = auditRows(h).slice(before).map((r) => r.operation);
    expect(added).toContain('ceremony-begun-before-vault');
    expect(added).not.toContain('ceremony-air-gap-override');
    expect(added).not.toContain('ceremony-abandoned');
    await h.close();
  }, 120_000);
});
