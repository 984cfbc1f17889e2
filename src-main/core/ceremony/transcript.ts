/**
 * The wizard's ceremony transcript: the audit transcript the CLI prints
 * (audit/transcriptHtml.ts: every entry, the head the sheets carry, receipts
 * and signature lines), with the wizard's own record in front: the roles,
 * every step with who did it and when, and a signature line for each person
 * by name.
 */
import { escapeHtml as e } from '../paper/sheet/html.js';
import { exportTranscript } from '../audit/report.js';
import { renderTranscriptHtml } from '../audit/transcriptHtml.js';
import type { Keystore } from '../keystore/keystore.js';
import type { CeremonySession } from './session.js';

const CSS = `
.wizard { break-after: page; }
.wizard table { margin: 0 0 4mm; }
.wizard .line { display: grid; grid-template-columns: 50mm 1fr 30mm; gap: 4mm; margin: 9mm 0 0; }
.wizard td.time, .wizard td.sheet-id { white-space: nowrap; }
.wizard .line span { border-top: 0.3mm solid #000; padding-top: 1mm; font-size: 7.5pt; }
`;

function wizardSection(s: CeremonySession): string {
  const roles = s.roles ?? { operator: '', witnesses: [], custodians: [] };
  const people = [
    ...[roles.operator].map((n) => ['Operator', n]),
    ...roles.witnesses.map((n) => ['Witness', n]),
    ...roles.custodians.map((n) => ['Custodian', n]),
  ] as Array<[string, string]>;
  const steps = s.log.map((l) => `<tr><td class="mono time">${e(l.at)}</td><td>${e(l.step)}</td><td>${e(l.by ?? '-')}</td><td>${e(l.note ?? '')}</td></tr>`).join('\n');
  const sheets = s.sheets
    .map((x) => `<tr><td>${x.index}</td><td>${x.group}/${x.member}</td><td>${e(x.custodian ?? '-')}</td><td class="mono sheet-id">${e(x.sheetFingerprint)}</td><td>${e(x.verifiedBy ?? '-')}</td><td class="mono time">${e(x.verifiedAt ?? '-')}</td><td>${e(x.verifiedHow ?? '-')}</td></tr>`)
    .join('\n');
  const override = s.airGap?.overrideReason ? `<dt>Air gap</dt><dd>overridden with a network up: ${e(s.airGap.overrideReason)}</dd>` : '<dt>Air gap</dt><dd>no network interface was up</dd>';
  return `<section class="wizard">
  <h1>Custos key ceremony</h1>
  <dl>
    <dt>Vault fingerprint</dt><dd>${e(s.vaultFingerprint)}</dd>
    <dt>Ceremony id</dt><dd>${e(s.record?.id ?? '')}</dd>
    <dt>Audit head on the sheets</dt><dd>${e(s.auditHead ?? 'none (the log head failed its check at the split)')}</dd>
    <dt>Quorum</dt><dd>${s.quorum ? `any ${s.quorum.groupThreshold} of ${s.quorum.groups.length} group(s): ${s.quorum.groups.map((g) => `${g.threshold} of ${g.count}`).join(', ')}${s.quorum.passphraseUsed ? '; share passphrase set' : ''}` : ''}</dd>
    <dt>Started</dt><dd>${e(s.startedAt)}</dd>
    ${override}
    <dt>Operator</dt><dd>${e(roles.operator)}</dd>
    <dt>Witnesses</dt><dd>${e(roles.witnesses.join(', ') || 'none')}</dd>
    <dt>Custodians</dt><dd>${e(roles.custodians.join(', '))}</dd>
  </dl>
  <h2>Steps</h2>
  <table><thead><tr><th>Time (UTC)</th><th>Step</th><th>By</th><th>What</th></tr></thead><tbody>
${steps}
  </tbody></table>
  <h2>Sheets</h2>
  <table><thead><tr><th>#</th><th>Group/share</th><th>Custodian</th><th>Sheet</th><th>Verified by</th><th>At</th><th>How</th></tr></thead><tbody>
${sheets}
  </tbody></table>
  <h2>Signatures</h2>
  <p class="note">Each person signs to confirm the steps above, and that the audit head ${e(s.auditHead ?? '')} on the sheets matches this page.</p>
  ${people.map(([role, name]) => `<div class="line"><strong>${e(role)}: ${e(name)}</strong><span>Signature</span><span>Date</span></div>`).join('\n  ')}
</section>`;
}

/** Exports the signed audit transcript (its own `audit-export` entry included) and renders it with the wizard's record in front. */
export function transcriptHtml(ks: Keystore, s: CeremonySession): string {
  const t = exportTranscript(ks, { purpose: 'ceremony transcript', ceremonyId: s.record?.id ?? null });
  const html = renderTranscriptHtml(t, null);
  return html.replace('</style>', `${CSS}</style>`).replace('<body>\n<header>', `<body>\n${wizardSection(s)}\n<header>`);
}
