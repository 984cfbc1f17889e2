import { resolve } from 'node:path';
import { CustosError } from '../../../../shared/errors.js';
import { onSameDevice } from '../../../core/files/sameDevice.js';
import { findLp, preserveJobFilesWarning, readPreserveJobFiles } from '../../../core/paper/print/cups.js';

/** Where the sheets go: files in a folder the operator named, or straight to a CUPS printer (no file written by Custos). */
export type Destination = { kind: 'folder'; dir: string } | { kind: 'printer'; printer: string; lp: string };

export interface DestinationOptions {
  out?: string | undefined;
  printer?: string | undefined;
  text?: boolean | undefined;
  allowSameDisk?: boolean | undefined;
}

/**
 * Checks the destination before anything is unlocked or made. A folder on the
 * keystore's own file system is refused unless asked for: a deleted PDF of
 * share words stays readable on that disk, which the ceremony laptop keeps.
 */
export function chooseDestination(options: DestinationOptions, keystore: string, env: Record<string, string | undefined>): Destination {
  if (options.out !== undefined && options.printer !== undefined) throw new CustosError('INVALID_ARGUMENT', 'choose --out DIR or --printer NAME, not both');
  if (options.printer !== undefined) {
    if (options.text) throw new CustosError('INVALID_ARGUMENT', '--text writes share words to files: it needs --out DIR (a removable medium), not --printer');
    if (options.allowSameDisk) throw new CustosError('INVALID_ARGUMENT', '--allow-same-disk applies to --out DIR; --printer writes no file');
    return { kind: 'printer', printer: options.printer, lp: findLp(env['PATH'] ?? '') };
  }
  if (options.out === undefined) {
    throw new CustosError('INVALID_ARGUMENT', 'say where the sheets go: --printer NAME (straight to a CUPS printer, no file written) or --out DIR (a folder on a removable medium)');
  }
  const dir = resolve(options.out);
  if (!options.allowSameDisk && onSameDevice(dir, keystore)) {
    throw new CustosError(
      'INVALID_ARGUMENT',
      `--out ${dir} is on the same disk as the keystore ${resolve(keystore)}: the sheets hold share words, and a deleted file can stay readable there. ` +
        'Write them to a removable medium (a USB stick), print them with --printer NAME, or pass --allow-same-disk to write them here anyway',
    );
  }
  return { kind: 'folder', dir };
}

/** The spool warning for --printer (null when CUPS keeps no copy): CUPS_SERVERROOT, as CUPS itself reads it, else /etc/cups. */
export function spoolWarning(env: Record<string, string | undefined>): string | null {
  return preserveJobFilesWarning(readPreserveJobFiles(env['CUPS_SERVERROOT'] || '/etc/cups'));
}

/** The closing lines: exactly which files hold share words, and what to do with them. */
export function shareFilesAdvice(files: readonly string[], printed: boolean): string[] {
  if (files.length === 0) {
    return [
      printed ? 'No file holding share words was written by Custos (the sheets went to the printer through lp).' : 'No file holding share words was written.',
      'Each custodian takes their sheet; collect any misprint and shred it.',
    ];
  }
  return [
    `${files.length} file${files.length === 1 ? ' holds' : 's hold'} share words; anyone who reads one holds that share:`,
    ...files.map((f) => `  ${f}`),
    'Print each sheet (or hand the removable medium to its custodian), check it, then delete every one of these files',
    "(on a USB stick or SSD 'shred -u' cannot reach every copy: wipe or destroy the medium once the sheets are handed over).",
  ];
}
