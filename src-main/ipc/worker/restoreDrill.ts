/**
 * The restore drill: the whole restore path into a scratch vault in a fresh
 * folder (mode 0700) that is deleted afterwards whatever happens, with a
 * pass/fail report: every key restored and equal by fingerprint, every sheet
 * genuine, the audit head the sheets print found. The report is recorded in
 * the audit log of the vault unlocked in the app, if one is (docs/app.md).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCustosError } from '../../../shared/errors.js';
import type { DrillReport, RestoreBundle, SheetClaims } from '../../../shared/ipcRestore.js';
import { wipe } from '../../core/crypto/bytes.js';
import { createKeystore } from '../../core/keystore/create.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { openKeystore } from '../../core/keystore/open.js';
import { vaultFingerprintOf } from '../../core/masterkey/subkeys.js';
import type { DrillCheck } from '../../core/restore/drillReport.js';
import type { Report } from './coreOps.js';
import { hostReport, importInto, verifiedManifest } from './restoreImport.js';
import type { ShareSession } from './restoreShares.js';

export interface DrillInput {
  shares: ShareSession;
  claims: SheetClaims;
  bundle: RestoreBundle;
  /** The vault unlocked in the app, whose audit log receives the report; null when none is. */
  logTo: Keystore | null;
  report: Report;
  progress: (done: number, total: number) => void;
}

const failed = (error: unknown) => (isCustosError(error) ? `${error.code}: ${error.message}` : 'an unexpected error occurred');

export async function runDrill(input: DrillInput): Promise<DrillReport> {
  const { shares, claims, bundle, logTo, report } = input;
  const folder = mkdtempSync(join(tmpdir(), 'custos-drill-'));
  chmodSync(folder, 0o700);
  const checks: DrillCheck[] = [];
  let result: Pick<DrillReport, 'comparison' | 'sheets' | 'vaultFingerprint' | 'ceremony'> = { comparison: null, sheets: [], vaultFingerprint: null, ceremony: null };
  let scratch: Keystore | null = null;
  let cancelled: unknown = null;
  const { masterKey, identifier } = shares.recover(claims.sharePassphrase ?? '');
  try {
    result = { ...result, vaultFingerprint: vaultFingerprintOf(masterKey), ceremony: String(identifier) };
    report('restore', 'Drill: creating the scratch vault', 0, 0);
    const path = join(folder, 'drill.custos.db');
    await createKeystore(path, { masterKey, vaultName: null });
    scratch = await openKeystore(path, { kind: 'master-key', masterKey: new Uint8Array(masterKey) });
    importInto(scratch, bundle, input.progress);
    const host = hostReport(scratch, verifiedManifest(bundle), claims, { shares });
    const c = host.comparison;
    result = { ...result, comparison: c, sheets: host.sheets };
    checks.push({ name: 'Every key restored and equal by fingerprint', ok: c.different === 0 && c.keys > 0, detail: `${c.equal} of ${c.keys} keys (${c.versions} versions) equal to the bundle's manifest${c.different > 0 ? `; ${c.different} differ` : ''}` });
    const fake = host.sheets.filter((s) => !s.genuine);
    checks.push({ name: 'Sheets genuine', ok: fake.length === 0 && host.sheets.length > 0, detail: fake.length === 0 ? `all ${host.sheets.length} sheets were printed by this vault` : `not genuine: ${fake.map((s) => s.source).join(', ')}` });
    checks.push({ name: 'Audit head found', ok: host.head.found, detail: host.head.detail });
  } catch (error) {
    if (isCustosError(error) && error.code === 'CANCELLED') cancelled = error;
    checks.push({ name: 'Bundle imported into the scratch vault', ok: false, detail: failed(error) });
  } finally {
    wipe(masterKey);
    scratch?.close();
    rmSync(folder, { recursive: true, force: true });
  }
  if (cancelled) throw cancelled;
  const scratchRemoved = !existsSync(folder);
  if (!scratchRemoved) checks.push({ name: 'Scratch vault deleted', ok: false, detail: `${folder} could not be removed` });
  const drill: DrillReport = {
    passed: checks.length >= 3 && checks.every((c) => c.ok),
    at: new Date().toISOString(),
    ...result,
    bundle: bundle.pairFingerprint,
    checks,
    scratchFolder: folder,
    scratchRemoved,
    loggedIn: null,
  };
  if (logTo) {
    const sheets = drill.sheets.map((s) => ({ sheet: s.sheetFingerprint, genuine: s.genuine }));
    const c = drill.comparison;
    logTo.record({
      operation: 'paper-restore',
      outcome: drill.passed ? 'ok' : 'drill-failed',
      subject: { mode: 'drill', passed: drill.passed, vaultFingerprint: drill.vaultFingerprint, ceremony: drill.ceremony, bundle: drill.bundle, keys: c?.keys ?? 0, keysEqual: c?.equal ?? 0, sheets, failures: checks.filter((x) => !x.ok).map((x) => `${x.name}: ${x.detail}`.slice(0, 500)) },
    });
    drill.loggedIn = logTo.vaultName() ?? logTo.path;
  }
  return drill;
}
