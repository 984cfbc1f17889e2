import { CustosError, isCustosError, type ErrorCode } from '../../shared/errors.js';
import type { CliIo } from './io.js';

export interface OutputOptions {
  json?: boolean | undefined;
}

/** Prints a result: JSON when asked, otherwise the human text. */
export function emit(io: CliIo, options: OutputOptions, value: unknown, text: () => string): void {
  if (options.json) io.out(`${JSON.stringify(value, null, 2)}\n`);
  else {
    const body = text();
    if (body.length > 0) io.out(body.endsWith('\n') ? body : `${body}\n`);
  }
}

/** Stable codes for the CLI's own failures; anything unexpected is INTERNAL. */
export function toCustosError(error: unknown): CustosError {
  if (isCustosError(error)) return error;
  return new CustosError('INTERNAL', error instanceof Error ? error.message : String(error));
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function exitCodeFor(code: ErrorCode): number {
  return code === 'INVALID_ARGUMENT' ? EXIT.usage : EXIT.failure;
}

/** `error CODE: message` on stderr, or `{code,message}` on stdout with --json. */
export function reportError(io: CliIo, json: boolean, error: CustosError): number {
  if (json) io.out(`${JSON.stringify({ code: error.code, message: error.message })}\n`);
  else io.err(`error ${error.code}: ${error.message}\n`);
  return exitCodeFor(error.code);
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
