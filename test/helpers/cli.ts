import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src-main/cli/main.js';
import type { CliIo } from '../../src-main/cli/io.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'custos.js');
const DIST_MAIN = join(REPO_ROOT, 'dist', 'src-main', 'cli', 'main.js');

/**
 * The CLI's configuration file (approved HSM modules and Vault servers) in a
 * folder of this test process, never the user's own ~/.config: a test that
 * needs an approval makes it there (or passes its own CUSTOS_CONFIG).
 */
export const TEST_CLI_CONFIG = join(mkdtempSync(join(tmpdir(), 'custos-config-')), 'config.json');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** The whole environment the CLI sees: nothing of the test process leaks in. */
  env?: Record<string, string | undefined>;
  stdin?: string;
}

export interface InteractiveOptions extends InProcessOptions {
  /** Answers typed at the terminal, in order; a prompt with none left fails the command. */
  answers: string[];
}

export interface InteractiveResult extends CliResult {
  /** Every prompt shown, with whether it echoed what was typed. */
  prompts: Array<{ question: string; hidden: boolean }>;
}

/** A CliIo that records what the CLI writes. Without `answers` it is not a terminal and never prompts. */
export function fakeIo(options: InProcessOptions & { answers?: string[] } = {}): { io: CliIo; result: () => { stdout: string; stderr: string; prompts: InteractiveResult['prompts'] } } {
  let stdout = '';
  let stderr = '';
  const prompts: InteractiveResult['prompts'] = [];
  const answers = options.answers ? [...options.answers] : null;
  const ask = (hidden: boolean) => (question: string): Promise<string> => {
    prompts.push({ question, hidden });
    const answer = answers?.shift();
    if (answer === undefined) return Promise.reject(new Error(`unexpected prompt: ${question}`));
    return Promise.resolve(answer);
  };
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env: { CUSTOS_CONFIG: TEST_CLI_CONFIG, ...options.env },
    interactive: answers !== null,
    stderrIsTTY: false,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    promptHidden: ask(true),
    prompt: ask(false),
  };
  return { io, result: () => ({ stdout, stderr, prompts }) };
}

/** Runs `custos argv` in this process through runCli, the function the bin calls; not a terminal. */
export async function runInProcess(argv: readonly string[], options: InProcessOptions = {}): Promise<CliResult> {
  const { io, result } = fakeIo(options);
  const code = await runCli(argv, io);
  const { stdout, stderr } = result();
  return { code, stdout, stderr };
}

/** As runInProcess, but at a (scripted) terminal: prompts are answered from `answers`. */
export async function runInteractive(argv: readonly string[], options: InteractiveOptions): Promise<InteractiveResult> {
  const { io, result } = fakeIo(options);
  const code = await runCli(argv, io);
  return { code, ...result() };
}

export interface BinOptions {
  /** Added to a clean environment holding only PATH and HOME. */
  env?: Record<string, string>;
  cwd: string;
  stdin?: string;
  timeoutMs?: number;
}

/** Runs the real package bin (`node bin/custos.js`, which loads dist/) in a child process. */
export function runBin(argv: readonly string[], options: BinOptions): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? options.cwd, CUSTOS_CONFIG: TEST_CLI_CONFIG, ...options.env };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`custos ${argv.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bin runs dist/. `npm test` builds first; when the tests run alone and
 * dist/ is missing or older than the sources, compile it once here so the
 * bin tests exercise the code under test and not a stale build.
 */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src-main')), newestMtime(join(REPO_ROOT, 'shared')));
  if (existsSync(DIST_MAIN) && statSync(DIST_MAIN).mtimeMs >= sources) return;
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.main.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (error) {
    // tsc emits even with type errors; only a missing entry point is fatal here.
    if (!existsSync(DIST_MAIN)) throw error;
  }
}
