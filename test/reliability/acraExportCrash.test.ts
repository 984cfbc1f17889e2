/**
 * Issue 14: `custos acra export` killed as it publishes its folder, or right
 * after, before its audit entry commits. strace kills at an exact system call
 * (found by a traced run of the same export on a twin vault), and the next
 * command that opens the keystore settles the export: the folder under its
 * name and the export in the audit log, or neither. The second case failed on
 * the code before the export's journal (the folder stayed, the log said nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runBin } from '../helpers/cli.js';
import { makeVault, type TestVault } from '../helpers/keystore.js';
import { runKilledAt, straceUnavailable } from '../helpers/strace.js';
import { seedKeys, vaultEnv } from './seed.js';

const skip = straceUnavailable();
if (skip) console.warn(`acra export crash tests skipped: ${skip}`);

beforeAll(() => ensureBuilt(), 120_000);

const CLIENTS = ['seed-000000', 'seed-000001', 'seed-000002'];
const argv = (force: boolean) => ['acra', 'export', '--out', 'out.acrakeys', '--acra-master-key-file', 'acra.key', ...CLIENTS.flatMap((id) => ['--client-id', id]), ...(force ? ['--force'] : [])];

async function vaultWithAcraKey(): Promise<TestVault> {
  const v = await makeVault();
  await seedKeys(v, CLIENTS.length * 2);
  writeFileSync(join(v.dir, 'acra.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return v;
}

/** An older keystore folder for --force to replace: one file the export never writes. */
function oldFolder(v: TestVault): void {
  mkdirSync(join(v.dir, 'out.acrakeys'), { mode: 0o700 });
  writeFileSync(join(v.dir, 'out.acrakeys', 'old-client_storage_sym'), 'old', { mode: 0o600 });
}

const SYSCALLS = 'rename,renameat,renameat2,fsync,fdatasync';

/** The 1-based rename that publishes the folder, and the fsync right after it, counted as strace's `when` counts them. */
function crashPoints(v: TestVault, force: boolean): { rename: number; fsyncAfter: number } {
  const log = join(v.dir, 'trace.txt');
  const run = spawnSync('strace', ['-f', '-qq', '-o', log, '-e', `trace=${SYSCALLS}`, process.execPath, BIN, ...argv(force)], { cwd: v.dir, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: v.dir, ...vaultEnv(v) }, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const calls = readFileSync(log, 'utf8').split('\n').filter((l) => /\b(rename|renameat2?|fsync|fdatasync)\(/.test(l) && !l.includes('resumed>'));
  const renames = calls.filter((l) => /rename/.test(l));
  const publish = renames.findIndex((l) => /\.custos-partial-[0-9a-f]{12}", .*out\.acrakeys"/.test(l));
  expect(publish, renames.join('\n')).toBeGreaterThanOrEqual(0);
  const at = calls.indexOf(renames[publish]!);
  const fsyncAfter = calls.slice(0, calls.findIndex((l, i) => i > at && /fsync|fdatasync/.test(l)) + 1).filter((l) => /fsync|fdatasync/.test(l)).length;
  return { rename: publish + 1, fsyncAfter };
}

function acraExports(v: TestVault): number {
  const db = new Database(v.path, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE operation = 'export' AND json_extract(subject, '$.format') = 'acra-keystore-v1'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe.skipIf(skip !== null)('acra export killed as it publishes its folder', () => {
  for (const force of [false, true]) {
    for (const point of ['rename', 'fsyncAfter'] as const) {
      it(`${force ? 'with --force, ' : ''}killed ${point === 'rename' ? 'at the rename that publishes the folder' : 'right after that rename'}: after the next command, the folder and its audit entry, or neither${force ? ' (the old folder back)' : ''}`, async () => {
        const twin = await vaultWithAcraKey();
        if (force) oldFolder(twin);
        const at = crashPoints(twin, force);
        const v = await vaultWithAcraKey();
        if (force) oldFolder(v);
        const env = vaultEnv(v);
        const killed = await runKilledAt(argv(force), point === 'rename' ? { syscalls: 'rename,renameat,renameat2', when: at.rename } : { syscalls: 'fsync,fdatasync', when: at.fsyncAfter }, { cwd: v.dir, env });
        expect(killed.killed, killed.stderr).toBe(true);
        // Any command that opens the keystore settles the export.
        const verify = await runBin(['audit', 'verify', '--json'], { cwd: v.dir, env });
        expect(verify.code, verify.stdout + verify.stderr).toBe(0);
        const out = join(v.dir, 'out.acrakeys');
        const files = existsSync(out) ? readdirSync(out).sort() : [];
        const leftovers = [...readdirSync(v.dir), ...readdirSync(dirname(v.path))].filter((n) => n.includes('custos-partial') || n.includes('.export-'));
        expect(leftovers).toEqual([]);
        if (acraExports(v) === 1) {
          expect(files).toHaveLength(CLIENTS.length * 2);
        } else {
          expect(acraExports(v)).toBe(0);
          expect(files).toEqual(force ? ['old-client_storage_sym'] : []);
        }
        // Killed right after the rename, the entry had not committed: the folder must be gone.
        if (point === 'fsyncAfter') expect(acraExports(v)).toBe(0);
        // And the export runs again to completion.
        const before = acraExports(v);
        const again = await runBin(argv(true), { cwd: v.dir, env });
        expect(again.code, again.stderr).toBe(0);
        expect(readdirSync(out)).toHaveLength(CLIENTS.length * 2);
        expect(acraExports(v)).toBe(before + 1);
      }, 60_000);
    }
  }
});
