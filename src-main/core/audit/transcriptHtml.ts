import { escapeHtml as e } from '../paper/sheet/html.js';
import { formatHead } from './report.js';
import { summarizeSubject } from './summary.js';
import { ceremonyFacts, CEREMONY_CSS, headsHtml, pageMarginCss, receiptsHtml, type ImportedCeremony } from './transcriptCeremony.js';
import type { Transcript } from './transcript.js';

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
body { font: 8.5pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #000; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
h2 { font-size: 11pt; margin: 6mm 0 2mm; }
dl { display: grid; grid-template-columns: 38mm 1fr; gap: 1mm 3mm; margin: 0 0 3mm; }
dt { font-weight: bold; }
dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
p.note { margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.3mm solid #444; padding: 1mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: #e8e8e8; }
td.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; }
td.op { white-space: nowrap; }
col.seq { width: 9mm; } col.at { width: 34mm; } col.op { width: 25mm; } col.actor { width: 20mm; } col.out { width: 20mm; } col.hash { width: 24mm; }
.signatures { break-inside: avoid; }
.line { display: grid; grid-template-columns: 22mm 1fr 1fr 30mm; gap: 4mm; margin: 9mm 0 0; }
.line span { border-top: 0.3mm solid #000; padding-top: 1mm; font-size: 7.5pt; }
`;

function signatureLine(role: string): string {
  return `<div class="line"><strong>${e(role)}</strong><span>Name</span><span>Signature</span><span>Date</span></div>`;
}

/**
 * The printable ceremony transcript: the head and what verifies it at the
 * top, with the head the newest ceremony's sheets carry beside the current
 * one; every entry in a table; a receipt line per custodian and signature
 * lines for the operator and witnesses. Every page names the vault and the
 * ceremony and is numbered "page N of M". Standalone HTML (no script, no external resource), printed by
 * the same Chromium path as the paper sheets.
 */
export function renderTranscriptHtml(t: Transcript, jsonFile: string | null, imported: ImportedCeremony | null = null): string {
  const head = formatHead(t.head.seq, t.head.hash);
  const facts = ceremonyFacts(t, imported);
  const rows = t.entries
    .map(
      (x) =>
        `<tr><td>${x.seq}</td><td class="mono">${e(x.at)}</td><td class="op">${e(x.operation)}</td><td>${e(x.actor ?? '-')}</td><td>${e(summarizeSubject(x.subject, { fingerprints: true }))}</td><td>${e(x.outcome)}</td><td class="mono">${e(x.hash.slice(0, 16))}</td></tr>`,
    )
    .join('\n');
  const check = jsonFile
    ? `custos audit verify-transcript --file ${jsonFile} --public-key ${t.publicKey}`
    : `export the JSON transcript too (custos audit export --out FILE) and run: custos audit verify-transcript --file FILE --public-key ${t.publicKey}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custos audit transcript - vault ${e(t.vaultFingerprint)}</title><style>${CSS}${CEREMONY_CSS}${pageMarginCss(t, facts)}</style></head>
<body>
<header>
  <h1>Custos audit transcript</h1>
  <dl>
    <dt>Vault</dt><dd>${e(t.vaultFingerprint)}</dd>
    <dt>Ceremony</dt><dd>${e(facts.ceremonyId ?? 'none recorded')}</dd>
    <dt>Keystore id</dt><dd>${e(t.keystoreId)}</dd>
    <dt>Audit head</dt><dd>${e(head)}</dd>
    <dt>Head hash</dt><dd>${e(t.head.hash)}</dd>
    <dt>Entries</dt><dd>${t.entries.length}</dd>
    <dt>Exported</dt><dd>${e(t.exportedAt)}</dd>
    <dt>Verification key</dt><dd>${e(t.publicKey)} (Ed25519)</dd>
    <dt>Signature</dt><dd>${e(t.signature)}</dd>
  </dl>
  ${headsHtml(facts)}
  <p class="note">The audit head must match the one printed on this ceremony's paper sheets or shown by <code>custos audit head</code>. To check the signed file on another machine: <code>${e(check)}</code></p>
</header>
<main>
  <table>
    <colgroup><col class="seq"><col class="at"><col class="op"><col class="actor"><col><col class="out"><col class="hash"></colgroup>
    <thead><tr><th>#</th><th>Time (UTC)</th><th>Operation</th><th>Actor</th><th>Details</th><th>Outcome</th><th>Hash</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
</main>
${receiptsHtml(facts)}
<section class="signatures">
  <h2>Signatures</h2>
  <p class="note">By signing, each person confirms they witnessed the operations above and compared the audit head ${e(head)} with the paper sheets.</p>
  ${signatureLine('Operator')}
  ${signatureLine('Witness')}
  ${signatureLine('Witness')}
  ${signatureLine('Witness')}
</section>
</body></html>
`;
}
