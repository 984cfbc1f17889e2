import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { OutputFile, publishAll } from '../../../core/files/outputFile.js';
import type { GroupSpec } from '../../../core/paper/slip39/index.js';
import { findChromium } from '../../../core/paper/print/chromium.js';
import { renderPdfs } from '../../../core/paper/print/pdf.js';
import { countQuorums } from '../../../core/paper/ceremony.js';
import { recordCeremony, sheetHtml, splitVault } from '../../../core/paper/paperVault.js';
import { readPassphraseFile } from '../../secrets.js';
import type { CliIo } from '../../io.js';
import { paperUnlock, withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';
import { progressBar } from '../../progress.js';

interface SplitOptions extends CommonOptions {
  threshold?: string;
  shares?: string;
  group?: string[];
  groupThreshold?: string;
  custodian?: string[];
  passphraseFile?: string;
  keystorePassphraseFile?: string;
  iterationExponent?: string;
  out: string;
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

export function paperSplitCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('split'), '--keystore-passphrase-file')
    .description("split the vault's master key into SLIP-0039 shares and print one PDF sheet per custodian")
    .option('--threshold <k>', 'shares needed to restore (one group)')
    .option('--shares <n>', 'shares to make (one group, at most 16)')
    .option('--group <k/n>', 'a group needing k of its n shares (repeatable; two-level sharing)', collect)
    .option('--group-threshold <g>', 'groups needed to restore (with --group)')
    .option('--custodian <name>', 'custodian name for the next sheet, in order (repeatable)', collect)
    .option('--passphrase-file <file>', 'SLIP-0039 passphrase protecting the shares (restoring needs it too)')
    .option('--iteration-exponent <e>', 'SLIP-0039 PBKDF2 cost exponent (default 1)')
    .requiredOption('--out <dir>', 'folder for the sheets (created 0700); existing sheets are never overwritten')
    .option('--text', 'also write each mnemonic as a text file beside its sheet (mode 0600)')
    .option('--chromium <path>', 'Chromium to print with (default: chromium or google-chrome on PATH)')
    .addHelpText(
      'after',
      `
Every quorum of the new shares is combined in memory and must give the master key back
before any sheet is written. The keystore records the ceremony and a keyed tag of each
share (never the words), so 'custos paper check' can later tell a genuine sheet.

Splitting again is resharing (a new K, N or custodians for the same master key). The old
shares still reconstruct the same master key until it is rotated ('custos master-key rotate',
which supersedes every earlier ceremony); to cut off lost or departed custodians, rotate, then split.

Examples:
  custos paper split --threshold 3 --shares 5 --custodian Ana --custodian Ben --out sheets/
  custos paper split --group 2/3 --group 1/1 --group-threshold 2 --out sheets/ --text
  custos paper split --threshold 1 --shares 1 --out sheets/        # single-sheet backup`,
    )
    .action(async (options: SplitOptions) => {
      const { groupThreshold, groups } = parseGroups(options);
      const chromium = findChromium(options.chromium);
      const passphrase = options.passphraseFile ? readPassphraseFile(options.passphraseFile) : undefined;
      const iterationExponent = options.iterationExponent === undefined ? undefined : int(options.iterationExponent, '--iteration-exponent', 0, 15);
      const total = groups.reduce((n, g) => n + g.count, 0);
      const names = (groups.length === 1 ? Array.from({ length: total }, (_, i) => `share-${i + 1}`) : groups.flatMap((g, gi) => Array.from({ length: g.count }, (_, mi) => `share-g${gi + 1}-${mi + 1}`)));
      const outputs = names.flatMap((n) => [join(options.out, `${n}.pdf`), ...(options.text ? [join(options.out, `${n}.txt`)] : [])]);
      mkdirSync(options.out, { recursive: true, mode: 0o700 });
      const files = outputs.map((path) => new OutputFile(path, false));
      try {
        const quorumCount = countQuorums(groups, groupThreshold);
        const split = await withKeystore(paperUnlock(options), io, async (ks) => {
          const checking = progressBar(io, 'checking quorums', !options.json);
          const made = await splitVault(ks, { groupThreshold, groups, custodians: options.custodian ?? [], passphrase, iterationExponent }, (done) => checking.update(done, quorumCount));
          checking.finish();
          const printing = progressBar(io, 'printing sheets', !options.json);
          const pdfs = await renderPdfs(made.sheets.map(sheetHtml), chromium, (done) => printing.update(done, made.sheets.length));
          printing.finish();
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
        const summary = {
          ceremonyId: split.record.id,
          vaultFingerprint: split.record.vaultFingerprint,
          identifier: split.record.identifier,
          groupThreshold,
          groups,
          quorumsChecked: split.subsetsChecked,
          sheets: split.sheets.map((s, i) => ({ file: files[options.text ? i * 2 : i]?.path, custodian: s.custodian, group: s.groupIndex, share: s.memberIndex, sheetFingerprint: s.sheetFingerprint })),
        };
        emit(io, options, summary, () =>
          [
            `ceremony ${summary.ceremonyId} for vault ${summary.vaultFingerprint}: ${total} sheets, every one of ${summary.quorumsChecked} quorums restores the master key`,
            ...summary.sheets.map((s) => `  ${s.file}  group ${s.group} share ${s.share}  ${s.custodian ?? '(no custodian)'}  sheet ${s.sheetFingerprint}`),
            'Each custodian takes one sheet. Delete any --text files once the sheets are checked.',
          ].join('\n'),
        );
      } finally {
        for (const file of files) file.discard();
      }
    });
}
