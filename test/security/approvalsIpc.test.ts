/**
 * The app's side of "a vault file is data, not code": before the worker may
 * load the PKCS#11 module a stored method names, main shows it in its own
 * dialog (IpcDeps.confirmApproval; Electron's message box in the app) and
 * records the approval in its settings, where the renderer cannot write.
 * Real handler table, worker, SQLite and SoftHSM2 (test/ipc/harness.ts).
 */
import { copyFileSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnlockMethod } from '../../src-main/core/keystore/methods/manage.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { SOFTHSM_MODULE, USER_PIN, softHsmFolder, softHsmUnavailable, type SoftHsmFolder } from '../helpers/softhsm.js';
import { sha256File } from '../helpers/tmp.js';
import { FAST_KDF, startHarness } from '../ipc/harness.js';

const PASS = 'approvals in the app';
const unavailable = softHsmUnavailable();
if (unavailable) console.log(`SKIPPED the app's PKCS#11 approval test: ${unavailable}`);

const mapped = (path: string) => readFileSync('/proc/self/maps', 'utf8').includes(path);
const storedApprovals = (dir: string) => (JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { approved?: unknown }).approved;

describe.skipIf(unavailable !== null)('the app asks before it loads a PKCS#11 module a vault names (real SoftHSM2)', () => {
  let folder: SoftHsmFolder;
  let planted: string;
  beforeAll(() => {
    folder = softHsmFolder();
    folder.initToken('custos-app-approve');
    planted = join(folder.dir, 'libplanted.so');
    copyFileSync(SOFTHSM_MODULE, planted);
  });
  afterAll(() => folder.remove());

  it('shows the path in main’s dialog; refused: nothing loaded; approved: remembered; a renderer cannot approve through settings', async () => {
    const h = startHarness();
    const ref = await h.ok('vault:create', { name: 'approve', passphrase: PASS, kdf: FAST_KDF });
    await h.ok('vault:lock', {});
    const path = join(h.vaultsDir, 'approve.custos.db');
    const ks = await openKeystore(path, { kind: 'passphrase', passphrase: PASS });
    await addUnlockMethod(ks, { kind: 'pkcs11', modulePath: SOFTHSM_MODULE, token: { label: 'custos-app-approve' }, pin: USER_PIN, keyLabel: 'app-root', generate: true });
    ks.close();
    const unlock = { id: ref.id, methodId: 2, credentials: { kind: 'pkcs11' as const, pin: USER_PIN } };
    const real = realpathSync(SOFTHSM_MODULE);

    h.approvalAnswers.push(false);
    expect(await h.call('vault:unlockWithMethod', unlock)).toMatchObject({ ok: false, code: 'NOT_APPROVED' });
    expect(h.approvalsAsked).toEqual([{ kind: 'pkcs11-module', path: real }]);
    expect((await h.ok('app:status', {})).unlocked).toBeNull();

    // The renderer's settings channel is strict: an `approved` field is refused, not merged.
    expect(await h.raw('settings:set', { idleLockMinutes: 5, approved: { pkcs11Modules: [planted], vaultServers: [] } })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });

    h.approvalAnswers.push(true);
    expect(await h.ok('vault:unlockWithMethod', unlock)).toMatchObject({ keystoreId: ref.keystoreId });
    expect(storedApprovals(h.dir)).toEqual({ pkcs11Modules: [real], vaultServers: [] });
    // Settings the renderer saves keep the approvals, and an approved module is not asked for again.
    await h.ok('settings:set', { idleLockMinutes: 7 });
    expect(storedApprovals(h.dir)).toEqual({ pkcs11Modules: [real], vaultServers: [] });
    await h.ok('vault:lock', {});
    await h.ok('vault:unlockWithMethod', unlock);
    expect(h.approvalsAsked).toHaveLength(2);
    await h.ok('vault:lock', {});

    // Someone rewrites the vault file to name another library: the person is asked about that path, and a refusal loads nothing.
    const db = new Database(path);
    const row = db.prepare("SELECT params FROM unlock_methods WHERE kind = 'pkcs11'").get() as { params: string };
    db.prepare("UPDATE unlock_methods SET params = ? WHERE kind = 'pkcs11'").run(JSON.stringify({ ...JSON.parse(row.params), modulePath: planted }));
    db.close();
    const before = sha256File(path);
    h.approvalAnswers.push(false);
    expect(await h.call('vault:unlockWithMethod', unlock)).toMatchObject({ ok: false, code: 'NOT_APPROVED' });
    expect(h.approvalsAsked.at(-1)).toEqual({ kind: 'pkcs11-module', path: realpathSync(planted) });
    expect(mapped(planted)).toBe(false);
    expect(sha256File(path)).toBe(before);
    expect(storedApprovals(h.dir)).toEqual({ pkcs11Modules: [real], vaultServers: [] });
  });
});
