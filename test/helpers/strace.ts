import { spawn, spawnSync } from 'node:child_process';
import { BIN, type CliResult } from './cli.js';

/**
 * Runs the real bin under strace with a fault injected at an exact system
 * call: `strace -f -e inject=SYSCALLS:signal=KILL:when=N` kills the process
 * (every thread, -f) as it enters the Nth call of any of SYSCALLS. That makes
 * a crash at one precise step deterministic, where a timer would be a race.
 */
export interface KillAt {
  /** Comma-separated syscall names, e.g. 'link,linkat'. */
  syscalls: string;
  /** Which call (1-based, counted over all of them) is killed. */
  when: number;
}

export interface StraceResult extends CliResult {
  /** True when the injected SIGKILL ended the process. */
  killed: boolean;
}

let usable: string | null | undefined;

/** Why strace cannot be used here (missing, or ptrace refused), or null when it can. */
export function straceUnavailable(): string | null {
  if (usable === undefined) {
    const probe = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
    if (probe.error) usable = `strace is not installed (Debian package strace): ${probe.error.message}`;
    else if (probe.status !== 0) usable = `strace cannot trace here (ptrace refused?): ${probe.stderr.trim()}`;
    else usable = null;
  }
  return usable;
}

export function runKilledAt(argv: readonly string[], at: KillAt, options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<StraceResult> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: options.cwd, ...options.env };
  const args = ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${at.syscalls}`, '-e', `inject=${at.syscalls}:signal=KILL:when=${at.when}`, process.execPath, BIN, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn('strace', args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`strace custos ${argv.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // strace ends itself with the signal that killed its tracee (or exits 128+9).
      const killed = signal === 'SIGKILL' || code === 128 + 9;
      resolve({ code: code ?? 128 + 9, stdout, stderr, killed });
    });
  });
}
