import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { OutputFile, publishAll } from '../../../core/files/outputFile.js';
import type { GroupSpec } from '../../../core/paper/slip39/index.js';
import { findChromium } from '../../../core/paper/print/chromium.js';
import { renderPdfs } from '../../../core/paper/print/pdf.js';
import { printPdf } from '../../../core/paper/print/cups.js';
import { PAPER, PAPER_SIZES, type PaperSize } from '../../../core/paper/sheet/style.js';
import { renderSheetHtml } from '../../../core/paper/sheet/template.js';
import { countQuorums, validCustodianName } from '../../../core/paper/ceremony.js';
import { recordCeremony, splitVault } from '../../../core/paper/paperVault.js';
import { readPassphraseFile } from '../../secrets.js';
import type { CliIo } from '../../io.js';
import { keystorePath, withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { progressBar } from '../../progress.js';
import { chooseDestination, shareFilesAdvice, spoolWarning, type Destination } from './sheetDestination.js';

interface SplitOptions extends CommonOptions {
  threshold?: string;
  shares?: string;
  group?: string[];
  groupThreshold?: string;
  custodian?: string[];
  sharePassphraseFile?: string;
  iterationExponent?: string;
  out?: string;
  printer?: string;
  allowSameDisk?: boolean;
  paperSize: PaperSize;
  text?: boolean;
  chromium?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function int(text: string | undefined, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min || value > max) throw new CustosError('INVALID_ARGUMENT', `${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `--threshold K --shares N` for one group, or `--group K/N` repeated with `--group-threshold G`. */
export function parseGroups(options: SplitOptions): { groupThreshold: number; groups: GroupSpec[] } {
  if (options.group && options.group.length > 0) {
    if (options.threshold || options.shares) throw new CustosError('INVALID_ARGUMENT', 'use either --threshold/--shares (one group) or --group K/N (several), not both');
    const groups = options.group.map((g) => {
      const m = /^(\d+)\/(\d+)$/.exec(g);
      if (!m) throw new CustosError('INVALID_ARGUMENT', `--group ${g}: expected K/N, e.g. 2/3`);
      return { threshold: int(m[1], '--group K', 1, 16), count: int(m[2], '--group N', 1, 16) };
    });
    const groupThreshold = options.groupThreshold === undefined && groups.length === 1 ? 1 : int(options.groupThreshold, '--group-threshold', 1, groups.length);
    return { groupThreshold, groups };
  }
  const count = int(options.shares, '--shares', 1, 16);
  return { groupThreshold: 1, groups: [{ threshold: int(options.threshold, '--threshold', 1, count), count }] };
}

/** One label per sheet, in split order: the file name under --out, and how sheets are named in messages. */
function sheetLabels(groups: readonly GroupSpec[]): string[] {
  if (groups.length === 1) return Array.from({ length: groups[0]?.count ?? 0 }, (_, i) => `share-${i + 1}`);
  return groups.flatMap((g, gi) => Array.from({ length: g.count }, (_, mi) => `share-g${gi + 1}-${mi + 1}`));
}

/** More names than sheets would leave a custodian with nothing, and a name must print: both refused before anything happens. */
function checkCustodians(names: readonly string[], labels: readonly string[]): string[] {
  if (names.length > labels.length) throw new CustosError('INVALID_ARGUMENT', `${names.length} custodian names for ${labels.length} share${labels.length === 1 ? '' : 's'}: give at most one --custodian per sheet`);
  for (const name of names) validCustodianName(name);
  return labels.slice(names.length);
}

export function paperSplitCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('split'))
    .description("split the vault's master key into SLIP-0039 shares and print one sheet per custodian")
    .option('--threshold <k>', 'shares needed to restore (one group)')
    .option('--shares <n>', 'shares to make (one group, at most 16)')
    .option('--group <k/n>', 'a group needing k of its n shares (repeatable; two-level sharing)', collect)
    .option('--group-threshold <g>', 'groups needed to restore (with --group)')
    .option('--custodian <name>', 'custodian name for the next sheet, in order (repeatable; at most one per sheet)', collect)
    .option('--share-passphrase-file <file>', 'SLIP-0039 passphrase protecting the shares (restoring needs it too; it is not printed)')
    .option('--iteration-exponent <e>', 'SLIP-0039 PBKDF2 cost exponent (default 1)')
    .option('--printer <name>', 'send each sheet straight to this CUPS printer (lp -d NAME); Custos writes no file')
    .option('--out <dir>', 'write the sheets as PDFs to this folder (created 0700; existing sheets are never overwritten), e.g. on a USB stick')
    .option('--allow-same-disk', 'let --out be on the same disk as the keystore (refused by default: deleted sheets can stay readable there)')
    .addOption(new Option('--paper-size <size>', 'sheet size: ISO A4 or US Letter').choices(PAPER_SIZES).default('a4'))
    .option('--text', 'with --out: also write each mnemonic as a text file beside its sheet (mode 0600)')
    .option('--chromium <path>', 'Chromium to render the sheets with (default: chromium or google-chrome on PATH)')
    .addHelpText(
      'after',
      `
Every quorum of the new shares is combined in memory and must give the master key back
before any sheet is printed or written. The keystore records the ceremony and a keyed tag of
each share (never the words), so 'custos paper check' can later tell a genuine sheet.

Where the share words end up: with --printer they go to CUPS on lp's standard input (Custos
warns when CUPS keeps spool copies: PreserveJobFiles); with --out they are files, refused on
the keystore's own disk unless --allow-same-disk. Either way the output ends by listing every
file that holds share words.

Splitting again is resharing (a new K, N or custodians for the same master key). The old
shares still reconstruct the same master key until it is rotated ('custos master-key rotate',
which supersedes every earlier ceremony); to cut off lost or departed custodians, rotate, then split.

Examples:
  custos paper split --threshold 3 --shares 5 --custodian Ana --custodian Ben --printer office-laser
  custos paper split --group 2/3 --group 1/1 --group-threshold 2 --out /media/usb/sheets --text
  custos paper split --threshold 1 --shares 1 --paper-size letter --out /media/usb/sheets   # single-sheet backup`,
    )
    .action(async (options: SplitOptions) => {
      const { groupThreshold, groups } = parseGroups(options);
      const labels = sheetLabels(groups);
      const unnamed = checkCustodians(options.custodian ?? [], labels);
      const destination = chooseDestination(options, resolve(keystorePath(options, io)), io.env);
      const chromium = findChromium(options.chromium);
      const passphrase = options.sharePassphraseFile ? readPassphraseFile(options.sharePassphraseFile) : undefined;
      const iterationExponent = options.iterationExponent === undefined ? undefined : int(options.iterationExponent, '--iteration-exponent', 0, 15);
      if (destination.kind === 'printer') {
        const warning = spoolWarning(io.env);
        if (warning) io.err(`warning: ${warning}\n`);
      }
      const made = await splitAndDeliver(io, options, destination, { groupThreshold, groups, passphrase, iterationExponent, chromium, labels });
      const summary = {
        ceremonyId: made.split.record.id,
        vaultFingerprint: made.split.record.vaultFingerprint,
        identifier: made.split.record.identifier,
        groupThreshold,
        groups,
        quorumsChecked: made.split.subsetsChecked,
        paperSize: options.paperSize,
        printer: destination.kind === 'printer' ? destination.printer : null,
        sheets: made.split.sheets.map((s, i) => ({ sheet: labels[i], file: made.pdfFiles[i] ?? null, custodian: s.custodian, group: s.groupIndex, share: s.memberIndex, sheetFingerprint: s.sheetFingerprint })),
        unnamedSheets: unnamed,
        shareFiles: made.shareFiles,
      };
      emit(io, options, summary, () =>
        [
          `ceremony ${summary.ceremonyId} for vault ${summary.vaultFingerprint}: ${labels.length} sheets, every one of ${summary.quorumsChecked} quorums restores the master key`,
          ...summary.sheets.map((s) => `  ${s.file ?? `${s.sheet} (printed on ${destination.kind === 'printer' ? destination.printer : '?'})`}  group ${s.group} share ${s.share}  ${s.custodian ?? '(no custodian)'}  sheet ${s.sheetFingerprint}`),
          ...(unnamed.length > 0 ? [`No custodian named on: ${unnamed.join(', ')} (write the name on the sheet by hand when it is handed over).`] : []),
          ...shareFilesAdvice(made.shareFiles, destination.kind === 'printer'),
        ].join('\n'),
      );
    });
}

interface Plan {
  groupThreshold: number;
  groups: GroupSpec[];
  passphrase: string | undefined;
  iterationExponent: number | undefined;
  chromium: string;
  labels: string[];
}

/**
 * Splits, renders, then delivers: to a printer one sheet at a time, or into the folder all at
 * once (every sheet or none). The ceremony is recorded only once every sheet is delivered.
 */
async function splitAndDeliver(io: CliIo, options: SplitOptions, destination: Destination, plan: Plan) {
  const folder = destination.kind === 'folder' ? destination.dir : null;
  const outputs = folder ? plan.labels.flatMap((n) => [join(folder, `${n}.pdf`), ...(options.text ? [join(folder, `${n}.txt`)] : [])]) : [];
  if (folder) mkdirSync(folder, { recursive: true, mode: 0o700 });
  const files = outputs.map((path) => new OutputFile(path, false));
  try {
    const quorumCount = countQuorums(plan.groups, plan.groupThreshold);
    const split = await withKeystore(options, io, async (ks) => {
      const checking = progressBar(io, 'checking quorums', !options.json);
      const request = { groupThreshold: plan.groupThreshold, groups: plan.groups, custodians: options.custodian ?? [], passphrase: plan.passphrase, iterationExponent: plan.iterationExponent };
      const made = await splitVault(ks, request, (done) => checking.update(done, quorumCount));
      checking.finish();
      const rendering = progressBar(io, 'rendering sheets', !options.json);
      // Drawn before Chromium starts, which takes a second or two before the first sheet is done.
      rendering.update(0, made.sheets.length);
      const htmls = made.sheets.map((sheet) => renderSheetHtml(sheet, options.paperSize));
      const pdfs = await renderPdfs(htmls, plan.chromium, (done) => rendering.update(done, made.sheets.length), { paper: options.paperSize });
      rendering.finish();
      if (destination.kind === 'printer') {
        for (const [i, pdf] of pdfs.entries()) {
          await printPdf(destination.lp, destination.printer, pdf, { title: `Custos sheet ${i + 1} of ${pdfs.length}`, media: PAPER[options.paperSize].cups, env: { ...process.env, ...io.env } }).catch((error: unknown) => {
            // The sheets already sent belong to a ceremony that is not recorded: they must not be handed out.
            if (i > 0 && error instanceof CustosError) throw new CustosError(error.code, `${error.message}; sheets 1 to ${i} were sent already: destroy them, nothing was recorded`, { cause: error });
            throw error;
          });
        }
        recordCeremony(ks, made.record, made.sheets[0]?.auditHead ?? null);
        return made;
      }
      let f = 0;
      for (const [i, pdf] of pdfs.entries()) {
        files[f++]?.write(pdf);
        if (options.text) files[f++]?.write(Buffer.from(`${made.sheets[i]?.mnemonic ?? ''}\n`));
      }
      // Every sheet is put in place, or none is; the ceremony is recorded only once they all are.
      publishAll(files);
      try {
        recordCeremony(ks, made.record, made.sheets[0]?.auditHead ?? null);
      } catch (error) {
        for (const file of files) file.unpublish();
        throw error;
      }
      return made;
    });
    const step = options.text ? 2 : 1;
    return { split, pdfFiles: plan.labels.map((_, i) => files[i * step]?.path ?? null), shareFiles: files.map((f) => f.path) };
  } finally {
    for (const file of files) file.discard();
  }
}
