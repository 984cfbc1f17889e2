import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { formatHead, exportTranscript } from '../../../core/audit/report.js';
import { importedCeremony } from '../../../core/audit/importedHistory.js';
import { renderTranscriptHtml } from '../../../core/audit/transcriptHtml.js';
import { OutputFile, refuseExisting } from '../../../core/files/outputFile.js';
import { findChromium } from '../../../core/paper/print/chromium.js';
import { renderPdfs } from '../../../core/paper/print/pdf.js';
import type { CliIo } from '../../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit } from '../../output.js';

interface ExportOptions extends CommonOptions {
  out?: string;
  pdf?: string;
  chromium?: string;
  force?: boolean;
}

function writeFile(path: string, bytes: Uint8Array, force: boolean): string {
  const file = new OutputFile(path, force, ' (pass --force to replace it)');
  try {
    file.write(bytes);
    file.publish();
    return file.path;
  } finally {
    file.discard();
  }
}

export function auditExportCommand(io: CliIo): Command {
  return withKeystoreOptions(new Command('export'))
    .description('write the whole audit log as a signed JSON transcript (--out) and/or a printable PDF (--pdf)')
    .option('--out <file>', 'signed JSON transcript to write')
    .option('--pdf <file>', 'printable ceremony transcript to write (heads on the sheets and now, every entry, a receipt line per custodian, signature lines; vault, ceremony and page number on every page)')
    .option('--chromium <path>', 'Chromium to print with (default: chromium or google-chrome on PATH)')
    .option('--force', 'replace existing files')
    .addHelpText(
      'after',
      `
The export is itself an entry (audit-export), and the transcript holds it. The log is verified
first: a log that fails is never signed. The JSON transcript verifies on any machine with only
the file and the public key ('custos audit verify-transcript'); 'custos audit head' prints the key.

Examples:
  custos audit export --out ceremony.audit.json --pdf ceremony.audit.pdf --actor "Ana Ruiz"
  custos audit verify-transcript --file ceremony.audit.json --public-key KEY`,
    )
    .action(async (options: ExportOptions) => {
      if (!options.out && !options.pdf) throw new CustosError('INVALID_ARGUMENT', 'give --out FILE (signed JSON), --pdf FILE (printable), or both');
      if (options.out && options.out === options.pdf) throw new CustosError('INVALID_ARGUMENT', '--out and --pdf must be different files');
      const force = Boolean(options.force);
      refuseExisting([options.out, options.pdf].filter((p): p is string => p !== undefined), force, ' (pass --force to replace it)');
      const chromium = options.pdf ? findChromium(options.chromium) : null;
      const formats = [...(options.out ? ['json'] : []), ...(options.pdf ? ['pdf'] : [])];
      const { transcript, imported } = await withKeystore(options, io, (ks) => ({
        transcript: exportTranscript(ks, { formats, out: options.out ?? null, pdf: options.pdf ?? null }),
        // A restore host's log holds no ceremony: the printed transcript names the source's, from the imported history.
        imported: options.pdf ? importedCeremony(ks) : null,
      }));
      const written: { out: string | null; pdf: string | null } = { out: null, pdf: null };
      if (options.out) written.out = writeFile(options.out, Buffer.from(`${JSON.stringify(transcript, null, 2)}\n`), force);
      if (options.pdf && chromium) {
        const [pdf] = await renderPdfs([renderTranscriptHtml(transcript, written.out, imported)], chromium);
        written.pdf = writeFile(options.pdf, pdf ?? Buffer.alloc(0), force);
      }
      const head = formatHead(transcript.head.seq, transcript.head.hash);
      emit(io, options, { ...written, entries: transcript.entries.length, head, headHash: transcript.head.hash, publicKey: transcript.publicKey, vaultFingerprint: transcript.vaultFingerprint }, () =>
        [
          ...(written.out ? [`wrote signed transcript ${written.out}`] : []),
          ...(written.pdf ? [`wrote printable transcript ${written.pdf}`] : []),
          `entries     ${transcript.entries.length}`,
          `head        ${head}`,
          `public key  ${transcript.publicKey}`,
          ...(written.out ? [`verify with  custos audit verify-transcript --file ${written.out} --public-key ${transcript.publicKey}`] : []),
        ].join('\n'),
      );
    });
}
