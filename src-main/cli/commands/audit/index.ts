import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { auditEntries, auditHead, parseHead, verifyAudit } from '../../../core/audit/report.js';
import { verifyHead, type HeadVerdict } from '../../../core/audit/headCheck.js';
import { importedHistoryLine, listImportedHistories } from '../../../core/audit/importedHistory.js';
import type { VerifyOutcome } from '../../../core/audit/verify.js';
import { summarizeSubject } from '../../../core/audit/summary.js';
import type { CliIo } from '../../io.js';
import { withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit, EXIT, table } from '../../output.js';
import { auditExportCommand } from './export.js';
import { importedHeadText, verdictText } from './verdict.js';
import { auditVerifyTranscriptCommand } from './verifyTranscript.js';

const WIDTH = 100;

const isHeadVerdict = (v: VerifyOutcome | HeadVerdict): v is HeadVerdict => 'headIn' in v;

function since(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new CustosError('INVALID_ARGUMENT', '--since must be a whole number (a sequence number; entries after it are listed)');
  return value;
}

export function auditCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const audit = new Command('audit')
    .description('the tamper-evident audit log: list, verify, show the head, export signed transcripts')
    .addHelpText('after', '\nExamples:\n  custos audit verify\n  custos audit head\n  custos audit export --out ceremony.audit.json --pdf ceremony.audit.pdf');

  withKeystoreOptions(audit.command('list'))
    .description('list audit entries, oldest first')
    .option('--since <n>', 'only entries after sequence number n')
    .addHelpText(
      'after',
      `
Unlocks noted beside the keystore (failed ones, and sessions that have changed nothing yet)
are not entries yet: the text output counts them after the table; the next change folds them in.

Examples:
  custos audit list
  custos audit list --since 40 --json`,
    )
    .action(async (options: CommonOptions & { since?: string }) => {
      const after = since(options.since);
      const { entries, pending } = await withKeystore(options, io, (ks) => ({ entries: auditEntries(ks, after), pending: ks.unlockNotesWaiting() }));
      const waiting = pending.failed + pending.unlocked + pending.unreadable;
      const note = waiting === 0 ? '' : `\n${waiting} other unlock(s) noted beside the keystore are not in the chain yet (${pending.failed} failed, ${pending.unlocked} successful${pending.unreadable ? `, ${pending.unreadable} unreadable line(s)` : ''}); the next change folds them in, with this one.`;
      emit(io, options, entries, () =>
        (entries.length === 0
          ? 'no entries'
          : table(
              ['SEQ', 'AT', 'OPERATION', 'ACTOR', 'OUTCOME', 'DETAILS'],
              entries.map((x) => {
                const details = summarizeSubject(x.subject);
                return [String(x.seq), x.at, x.operation, x.actor ?? '-', x.outcome, details.length > WIDTH ? `${details.slice(0, WIDTH - 1)}…` : details];
              }),
            )) + note,
      );
    });

  withKeystoreOptions(audit.command('verify'))
    .description('check every entry, the chain and the head; exit 1 naming the first bad entry and why')
    .option('--head <seq:hash>', "a head seen earlier (paper sheet, transcript, 'audit head'): also catches an older copy of the keystore")
    .addHelpText(
      'after',
      `
What it names: edited, removed, inserted, reordered, truncated (newest entries cut off), forked
(a different history), head-missing, head-forged. Reading changes nothing in the keystore.

On a restore host, a head printed on the source's sheets is not in this keystore's own log
(it starts at the restore): it is looked up in the audit history imported with the bundle,
which must verify under this keystore's master key. head-unknown: in neither; head-unverified:
only in an imported history that does not verify here (another master key, or changed).

Examples:
  custos audit verify
  custos audit verify --head 42:3f9a07c2d1e48b56 --json`,
    )
    .action(async (options: CommonOptions & { head?: string }) => {
      const external = options.head === undefined ? undefined : parseHead(options.head);
      const verdict: VerifyOutcome | HeadVerdict = await withKeystore(options, io, (ks) => (external ? verifyHead(ks, external) : verifyAudit(ks)));
      emit(io, options, verdict, () => (isHeadVerdict(verdict) && verdict.headIn === 'imported' ? importedHeadText(verdict) : verdictText(verdict, 'audit log')));
      if (!verdict.ok) setExitCode(EXIT.failure);
    });

  withKeystoreOptions(audit.command('head'))
    .description('show the audit head (sequence number and chain hash) and the public key that verifies transcripts')
    .addHelpText(
      'after',
      `
Write the head down (it is also printed on every paper sheet and transcript): a later
'custos audit verify --head SEQ:HASH' then catches an older copy of the keystore.
On a restore host it also lists the audit histories imported with bundles (the source's
heads, as its sheets print them, are checked against those by 'audit verify --head').

Examples:
  custos audit head
  custos audit head --json`,
    )
    .action(async (options: CommonOptions) => {
      const head = await withKeystore(options, io, (ks) => ({ ...auditHead(ks), importedHistories: listImportedHistories(ks) }));
      emit(io, options, head, () =>
        [
          `head        ${head.head}${head.authentic ? '' : '  (FAILS its MAC: run custos audit verify)'}`,
          `hash        ${head.hash}`,
          `vault       ${head.vaultFingerprint}`,
          `public key  ${head.publicKey}  (verifies this keystore's audit transcripts)`,
          ...head.importedHistories.map((h) => `imported    ${importedHistoryLine(h)}`),
        ].join('\n'),
      );
      if (!head.authentic) setExitCode(EXIT.failure);
    });

  audit.addCommand(auditExportCommand(io));
  audit.addCommand(auditVerifyTranscriptCommand(io, setExitCode));
  return audit;
}
