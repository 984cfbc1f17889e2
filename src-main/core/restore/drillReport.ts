/**
 * The restore drill's report as a standalone HTML page (no script, no
 * external resource), printed to PDF through the same printer as sheets and
 * transcripts. Names, counts, fingerprints and verdicts only.
 */
import { escapeHtml as e } from '../paper/sheet/html.js';

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DrillReportData {
  passed: boolean;
  at: string;
  vaultFingerprint: string | null;
  ceremony: string | null;
  bundle: string | null;
  checks: DrillCheck[];
  comparison: { keys: number; versions: number; equal: number; different: number; rows: Array<{ name: string; versions: number; state: string; fingerprint: string; equal: boolean; problem: string | null }> } | null;
  sheets: Array<{ source: string; genuine: boolean; sheetFingerprint: string; custodian: string | null }>;
  scratchFolder: string;
  scratchRemoved: boolean;
  loggedIn: string | null;
}

export function drillReportHtml(r: DrillReportData): string {
  const verdict = r.passed ? 'PASSED' : 'FAILED';
  const checks = r.checks.map((c) => `<tr><td>${e(c.name)}</td><td>${c.ok ? 'pass' : 'FAIL'}</td><td>${e(c.detail)}</td></tr>`).join('');
  const sheets = r.sheets.map((s) => `<tr><td>${e(s.source)}</td><td>${e(s.custodian ?? '(not named)')}</td><td>${e(s.sheetFingerprint)}</td><td>${s.genuine ? 'genuine' : 'NOT genuine'}</td></tr>`).join('');
  const keys = (r.comparison?.rows ?? []).map((k) => `<tr><td>${e(k.name)}</td><td>${k.versions}</td><td>${e(k.state)}</td><td>${e(k.fingerprint)}</td><td>${k.equal ? 'equal' : e(k.problem ?? 'differs')}</td></tr>`).join('');
  const shown = r.comparison && r.comparison.rows.length < r.comparison.keys ? `<p>The first ${r.comparison.rows.length} of ${r.comparison.keys} keys are listed (those that differ first).</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custos restore drill ${verdict}</title>
<style>body{font:10pt sans-serif;margin:1.5cm}table{border-collapse:collapse;width:100%;margin:.5em 0 1em}td,th{border:1px solid #888;padding:2px 4px;text-align:left;vertical-align:top;word-break:break-all}h1{font-size:16pt}</style></head>
<body>
<h1>Restore drill: ${verdict}</h1>
<dl><dt>When</dt><dd>${e(r.at)}</dd><dt>Vault</dt><dd>${e(r.vaultFingerprint ?? '-')}</dd><dt>Ceremony</dt><dd>${e(r.ceremony ?? '-')}</dd><dt>Bundle</dt><dd>${e(r.bundle ?? '-')}</dd>
<dt>Scratch vault</dt><dd>${e(r.scratchFolder)}: ${r.scratchRemoved ? 'deleted' : 'NOT deleted'}</dd>
<dt>Audit log</dt><dd>${r.loggedIn ? `recorded in the audit log of vault ${e(r.loggedIn)}` : 'no vault was unlocked: this report is in no audit log'}</dd></dl>
<h2>Checks</h2><table><thead><tr><th>Check</th><th>Result</th><th>Detail</th></tr></thead><tbody>${checks}</tbody></table>
<h2>Sheets</h2><table><thead><tr><th>Read from</th><th>Custodian</th><th>Sheet</th><th>Genuine</th></tr></thead><tbody>${sheets}</tbody></table>
<h2>Keys against the bundle's manifest</h2>${shown}<table><thead><tr><th>Key</th><th>Versions</th><th>State</th><th>Fingerprint</th><th>Restored</th></tr></thead><tbody>${keys}</tbody></table>
</body></html>
`;
}
