import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { parseHead } from '../../../core/audit/report.js';
import { parseTranscript, verifyTranscript } from '../../../core/audit/transcript.js';
import { decodeBase64Strict } from '../../../core/crypto/bytes.js';
import type { CliIo } from '../../io.js';
import { emit, EXIT } from '../../output.js';
import { verdictText } from './verdict.js';

function publicKey(text: string): Uint8Array {
  const key = decodeBase64Strict(text);
  if (!key || key.length !== 32) throw new CustosError('INVALID_ARGUMENT', "--public-key is the base64 Ed25519 key that 'custos audit head' or 'custos audit export' prints (32 bytes)");
  return key;
}

function readTranscript(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function auditVerifyTranscriptCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('verify-transcript')
    .description('check a signed JSON transcript with only the file and the public key (no keystore needed)')
    .requiredOption('--file <file>', "transcript written by 'custos audit export --out'")
    .requiredOption('--public-key <key>', "the keystore's audit public key (base64), as 'custos audit head' prints it")
    .option('--head <seq:hash>', 'a head seen earlier (e.g. on a paper sheet): the transcript must reach it')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Exit status 1 when the signature, the chain or the head does not check out; the first bad
entry is named, and why.

It runs on any machine, with no keystore: KEY is the audit public key that
'custos audit head' prints on the vault's host.

Examples:
  custos audit verify-transcript --file ceremony.audit.json --public-key KEY
  custos audit verify-transcript --file ceremony.audit.json --public-key KEY --head 42:3f9a07c2d1e48b56`,
    )
    .action((options: { file: string; publicKey: string; head?: string; json?: boolean }) => {
      const key = publicKey(options.publicKey);
      const external = options.head === undefined ? undefined : parseHead(options.head);
      const verdict = verifyTranscript(parseTranscript(readTranscript(options.file)), key, external);
      emit(io, options, verdict, () => `${verdictText(verdict, `transcript of vault ${verdict.vaultFingerprint} exported ${verdict.exportedAt}, signature valid`)}`);
      if (!verdict.ok) setExitCode(EXIT.failure);
    });
}
