/**
 * electronegativity over the built main-process and preload code. The tool
 * always exits 0, so the findings are read from its JSON and every one above
 * LOW must be explained in electronegativity-allowlist.json.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { REPO_ROOT } from '../ipc/harness.js';

interface Finding {
  id: string;
  file: string;
  line: number | null;
  severity: string;
  confidence: string;
}
interface Allowed {
  id: string;
  file: string;
  reason: string;
}

const ABOVE_LOW = new Set(['MEDIUM', 'HIGH', 'CRITICAL']);

function scan(): { checks: number; issues: Finding[]; errors: unknown[] } {
  const dir = tempDir('custos-eneg-');
  const input = join(dir, 'input');
  const dist = join(REPO_ROOT, 'dist');
  const skipMaps = { recursive: true, filter: (p: string) => !p.endsWith('.map') };
  mkdirSync(input);
  cpSync(join(dist, 'src-main', 'app'), join(input, 'app'), skipMaps);
  cpSync(join(dist, 'src-main', 'ipc'), join(input, 'ipc'), skipMaps);
  cpSync(join(dist, 'preload'), join(input, 'preload'), skipMaps);
  // The page itself, so the CSP check sees the meta policy (the header one is set in protocol.ts).
  cpSync(join(dist, 'renderer', 'index.html'), join(input, 'index.html'));
  const electron = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  const output = join(dir, 'findings.json');
  execFileSync(process.execPath, [join(import.meta.dirname, 'electronegativity', 'run.cjs'), input, output, electron], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 60_000 });
  const result = JSON.parse(readFileSync(output, 'utf8')) as { checks: number; issues: Finding[]; errors: unknown[] };
  rmSync(input, { recursive: true, force: true });
  return result;
}

describe('electronegativity', () => {
  const allowlist = (JSON.parse(readFileSync(join(import.meta.dirname, 'electronegativity-allowlist.json'), 'utf8')) as { entries: Allowed[] }).entries;
  const explained = (f: Finding) => allowlist.some((a) => a.id === f.id && a.file === f.file);

  it('finds nothing above LOW that the allowlist does not explain', { timeout: 90_000 }, () => {
    const { checks, issues, errors } = scan();
    expect(checks).toBeGreaterThan(30);
    expect(errors).toEqual([]);
    const unexplained = issues.filter((i) => ABOVE_LOW.has(i.severity) && !explained(i));
    if (unexplained.length > 0) console.log('electronegativity findings:', JSON.stringify(unexplained, null, 2));
    expect(unexplained).toEqual([]);
    const stale = allowlist.filter((a) => !issues.some((i) => i.id === a.id && i.file === a.file));
    expect(stale, 'allowlist entries that no longer match a finding').toEqual([]);
    for (const a of allowlist) expect(a.reason.length, a.id).toBeGreaterThan(40);
  });
});
