import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';

/** `lp` on PATH (CUPS's client, Debian `cups-client`), or a message that says what to install. */
export function findLp(path: string): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'lp');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  throw new CustosError('PRINT_FAILED', "no 'lp' on PATH to print with: install CUPS's client (Debian/Ubuntu: apt install cups-client), or write the sheets to a removable medium with --out DIR");
}

/** How long CUPS keeps a printed job's document in its spool folder. */
export type PreserveJobFiles = { kind: 'no' } | { kind: 'yes' } | { kind: 'seconds'; seconds: number } | { kind: 'unknown'; reason: string };

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
/** CUPS's default when cupsd.conf does not set it (cupsd.conf(5)): one day. */
const DEFAULT_SECONDS = 86400;

/** Reads `PreserveJobFiles` from cupsd.conf text; CUPS's default (one day) when it is not set. */
export function parsePreserveJobFiles(conf: string): PreserveJobFiles {
  let value: string | null = null;
  for (const line of conf.split('\n')) {
    const m = /^\s*PreserveJobFiles\s+(\S+)/i.exec(line);
    if (m?.[1]) value = m[1];
  }
  if (value === null) return { kind: 'seconds', seconds: DEFAULT_SECONDS };
  if (/^(no|off|false)$/i.test(value)) return { kind: 'no' };
  if (/^(yes|on|true)$/i.test(value)) return { kind: 'yes' };
  const n = /^(\d+)([smhdw]?)$/i.exec(value);
  if (n?.[1]) return { kind: 'seconds', seconds: Number(n[1]) * (UNITS[(n[2] ?? '').toLowerCase()] ?? 1) };
  return { kind: 'unknown', reason: `cupsd.conf says 'PreserveJobFiles ${value}', which Custos does not understand` };
}

/** The server's setting, from `$CUPS_SERVERROOT/cupsd.conf` (default /etc/cups). */
export function readPreserveJobFiles(serverRoot: string): { file: string; setting: PreserveJobFiles } {
  const file = join(serverRoot, 'cupsd.conf');
  try {
    return { file, setting: parsePreserveJobFiles(readFileSync(file, 'utf8')) };
  } catch (error) {
    return { file, setting: { kind: 'unknown', reason: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})` } };
  }
}

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds} seconds`;
}

const TURN_OFF = "To stop it: set 'PreserveJobFiles No' in cupsd.conf (or run 'sudo cupsctl PreserveJobFiles=No') before printing, and empty the spool folder (usually /var/spool/cups) of the copies kept so far.";

/** What the setting means for sheets of share words; null when CUPS keeps no copy. */
export function preserveJobFilesWarning(found: { file: string; setting: PreserveJobFiles }): string | null {
  const s = found.setting;
  if (s.kind === 'no' || (s.kind === 'seconds' && s.seconds === 0)) return null;
  const kept =
    s.kind === 'yes'
      ? 'CUPS keeps a copy of every printed sheet (share words included) in its spool folder until the job history is purged'
      : s.kind === 'seconds'
        ? `CUPS keeps a copy of every printed sheet (share words included) in its spool folder for ${duration(s.seconds)} after printing (PreserveJobFiles, from ${found.file})`
        : `could not tell whether CUPS keeps copies of printed sheets: ${s.reason}; its default keeps them in the spool folder for a day`;
  return `${kept}. ${TURN_OFF}`;
}

/**
 * Sends one PDF to a CUPS printer with `lp -d PRINTER`, the document on lp's
 * standard input: no file of it is written by Custos. Resolves to what lp
 * printed (the request id); a failure names the printer and lp's message.
 */
export function printPdf(lp: string, printer: string, pdf: Uint8Array, options: { title: string; media: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolvePrint, reject) => {
    const child = spawn(lp, ['-d', printer, '-t', options.title, '-o', `media=${options.media}`], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (error) => reject(new CustosError('PRINT_FAILED', `cannot run ${lp}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolvePrint(out.trim());
      else reject(new CustosError('PRINT_FAILED', `lp could not print to ${printer} (exit ${code ?? 'signal'}): ${err.trim().split('\n')[0] ?? ''}`));
    });
    // lp may exit early (no such printer) and close its input: that error is reported by 'close'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(pdf));
  });
}
