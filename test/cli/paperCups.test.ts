import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCups, type CupsServer } from '../helpers/cupsServer.js';
import { expectOk, initVault, json } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** Runs `fn` against a private cupsd with that PreserveJobFiles, stopped afterwards; skips, saying why, where CUPS cannot run. */
async function withCups(preserveJobFiles: string, ctx: { skip(): void }, fn: (server: CupsServer) => Promise<void>): Promise<void> {
  const { server, reason } = await startCups(preserveJobFiles);
  if (!server) {
    console.warn(`skipped: ${reason}`);
    ctx.skip();
    return;
  }
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

/** Real CUPS (a private cupsd on loopback, started and stopped here): what --printer leaves on disk, and when. */
describe('paper split --printer through a real CUPS scheduler', () => {
  it('sends each sheet on lp\'s standard input, warns that PreserveJobFiles keeps them, and CUPS indeed keeps them', async (ctx) => {
    await withCups('1h', ctx, async (server) => {
      const v = await initVault();
      const before = readdirSync(join(v.path, '..'));
      const result = await v.run(['paper', 'split', '--threshold', '2', '--shares', '3', '--printer', 'sheets', '--paper-size', 'letter', '--chromium', CHROMIUM, '--json'], { ...server.env, PATH: process.env['PATH'] ?? '' });
      const summary = json<{ ceremonyId: string; shareFiles: string[] }>(expectOk(result));
      expect(summary.shareFiles).toEqual([]);
      expect(result.stderr).toContain(`for 1 hour after printing (PreserveJobFiles, from ${join(server.root, 'cupsd.conf')})`);
      await server.waitForJobs(3);
      // What the warning is about: three sheets, share words and all, in CUPS's spool folder.
      const kept = server.spooledDocuments();
      expect(kept).toHaveLength(3);
      for (const doc of kept) {
        expect(readFileSync(doc).subarray(0, 5).toString()).toBe('%PDF-');
        expect(execFileSync('pdftotext', [doc, '-'], { encoding: 'utf8' })).toContain(summary.ceremonyId);
        expect(execFileSync('pdfinfo', [doc], { encoding: 'utf8' })).toMatch(/Page size:\s+612 x 792 pts/);
      }
      // Custos itself wrote no sheet: beside the keystore are only the keystore's files.
      expect(readdirSync(join(v.path, '..')).filter((f) => !before.includes(f) && !f.startsWith('custos.db'))).toEqual([]);
    });
  });

  it('with PreserveJobFiles No, as the warning advises, says nothing and CUPS keeps no copy', async (ctx) => {
    await withCups('No', ctx, async (server) => {
      const v = await initVault();
      const result = expectOk(await v.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--printer', 'sheets', '--chromium', CHROMIUM], { ...server.env, PATH: process.env['PATH'] ?? '' }));
      expect(result.stderr).not.toContain('warning');
      expect(result.stdout).toContain('No file holding share words was written by Custos');
      await server.waitForJobs(2);
      expect(server.spooledDocuments()).toEqual([]);

      // A printer CUPS does not know: lp's own message, and nothing recorded as printed.
      const missing = await v.run(['paper', 'split', '--threshold', '2', '--shares', '2', '--printer', 'no-such-printer', '--chromium', CHROMIUM], { ...server.env, PATH: process.env['PATH'] ?? '' });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/error PRINT_FAILED: lp could not print to no-such-printer \(exit \d+\): .*The printer or class does not exist/);
      const ceremonies = json<{ ceremonies: unknown[] }>(expectOk(await v.run(['info', '--json']))).ceremonies;
      expect(ceremonies).toHaveLength(1);
    });
  });
});
