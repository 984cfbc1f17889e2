import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private CUPS scheduler (Debian cups-daemon) for one test: its own server root with
 * a cupsd.conf listening on loopback only, a raw queue 'sheets' whose device is a file
 * under the root (FileDevice Yes), and the PreserveJobFiles setting under test. Started
 * in the foreground by the test and stopped (by its pid) after.
 */
export interface CupsServer {
  root: string;
  spool: string;
  /** The environment lp and Custos need to reach this scheduler and read its cupsd.conf. */
  env: Record<string, string>;
  /** Documents CUPS keeps in its spool folder (d* files), oldest first. */
  spooledDocuments(): string[];
  /** Waits until every job sent to 'sheets' has completed. */
  waitForJobs(count: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** null, with the reason, where CUPS is not installed or cannot run here. */
export async function startCups(preserveJobFiles: string): Promise<{ server: CupsServer | null; reason: string }> {
  try {
    execFileSync('sh', ['-c', 'command -v cupsd && command -v lp && command -v lpadmin && command -v lpstat'], { stdio: 'pipe' });
  } catch {
    return { server: null, reason: 'CUPS is not installed (Debian: cups-daemon cups-client)' };
  }
  const root = mkdtempSync(join(tmpdir(), 'custos-cups-'));
  chmodSync(root, 0o755);
  const spool = join(root, 'spool');
  for (const dir of [spool, join(spool, 'tmp'), join(root, 'cache'), join(root, 'state'), join(root, 'log'), join(root, 'out')]) mkdirSync(dir, { recursive: true });
  chmodSync(join(root, 'out'), 0o1777);
  const port = await freePort();
  writeFileSync(
    join(root, 'cupsd.conf'),
    `Listen 127.0.0.1:${port}\nLogLevel warn\nPreserveJobFiles ${preserveJobFiles}\nWebInterface No\nBrowsing No\nDefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n`,
  );
  writeFileSync(
    join(root, 'cups-files.conf'),
    `FileDevice Yes\nServerRoot ${root}\nRequestRoot ${spool}\nTempDir ${join(spool, 'tmp')}\nCacheDir ${join(root, 'cache')}\nStateDir ${join(root, 'state')}\nErrorLog ${join(root, 'log', 'error_log')}\nAccessLog ${join(root, 'log', 'access_log')}\nPageLog ${join(root, 'log', 'page_log')}\nPrintcap\n`,
  );
  const env = { CUPS_SERVER: `127.0.0.1:${port}`, CUPS_SERVERROOT: root };
  const child: ChildProcess = spawn('cupsd', ['-f', '-c', join(root, 'cupsd.conf'), '-s', join(root, 'cups-files.conf')], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
    }
    rmSync(root, { recursive: true, force: true });
  };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' });
  // `lpstat -r` exits 0 whether or not the scheduler answers: its answer is in what it prints. (Taking
  // the exit status for it let a slow start on a busy machine through, and lpadmin then failed.)
  const running = () => {
    try {
      return /scheduler is running/.test(run('lpstat', ['-r']));
    } catch {
      return false;
    }
  };
  for (let i = 0; !running(); i++) {
    if (i > 100 || child.exitCode !== null) {
      await stop();
      return { server: null, reason: `cupsd did not start here (exit ${child.exitCode ?? 'none'}); it may need root` };
    }
    await sleep(100);
  }
  // A raw queue: CUPS keeps the document as sent; the device is a file under the root.
  run('lpadmin', ['-p', 'sheets', '-E', '-v', `file://${join(root, 'out', 'sheets.pdf')}`, '-m', 'raw']);
  return {
    reason: '',
    server: {
      root,
      spool,
      env,
      spooledDocuments: () => readdirSync(spool).filter((f) => /^d\d+-\d+$/.test(f)).sort().map((f) => join(spool, f)),
      waitForJobs: async (count) => {
        for (let i = 0; i < 100; i++) {
          const done = run('lpstat', ['-W', 'completed', '-o', 'sheets']).split('\n').filter(Boolean).length;
          const pending = run('lpstat', ['-o', 'sheets']).split('\n').filter(Boolean).length;
          if (done >= count && pending === 0) return;
          await sleep(100);
        }
        throw new Error(`CUPS did not complete ${count} jobs`);
      },
      stop,
    },
  };
}
