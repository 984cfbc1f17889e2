import { escapeHtml as e } from '../paper/sheet/html.js';
import type { JsonValue } from './entry.js';
import { formatHead } from './report.js';
import type { Transcript, TranscriptEntry } from './transcript.js';

type Obj = { [field: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

export interface CeremonyReceipt {
  custodian: string | null;
  group: number;
  member: number;
  sheet: string;
}

/** What the printed transcript says about the newest paper ceremony in the log, from its `paper-split` entry. */
export interface CeremonyFacts {
  ceremonyId: string | null;
  /** `SEQ:HASH16` printed on the sheets; null when no ceremony is recorded or the sheets carry none. */
  sheetsHead: string | null;
  currentHead: string;
  /** Entries recorded after the head the sheets carry (the split's own entry included). */
  entriesAfter: number | null;
  receipts: CeremonyReceipt[];
  /** Set when the ceremony is the source's, read from a history imported with a bundle (a restore host). */
  from: { sourceVault: string; pairFingerprint: string; historyHead: string } | null;
}

/** A ceremony found in a verified imported history, for a restore host's transcript. */
export interface ImportedCeremony {
  split: Omit<CeremonyFacts, 'currentHead' | 'from'>;
  sourceVault: string;
  pairFingerprint: string;
  historyHead: string;
}

function lastSplit(entries: readonly TranscriptEntry[]): TranscriptEntry | null {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]?.operation === 'paper-split') return entries[i] ?? null;
  return null;
}

/** The newest `paper-split` among `entries` of a log whose head is `headSeq`; null when there is none. */
export function splitFacts(entries: readonly TranscriptEntry[], headSeq: number): ImportedCeremony['split'] | null {
  const split = lastSplit(entries);
  const subject = split && isObj(split.subject) ? split.subject : null;
  if (!subject) return null;
  const sheetsHead = text(subject['auditHeadPrinted']);
  const seq = sheetsHead ? Number(sheetsHead.split(':')[0]) : NaN;
  const sheets = Array.isArray(subject['sheets']) ? subject['sheets'].filter(isObj) : [];
  return {
    ceremonyId: text(subject['ceremonyId']),
    sheetsHead,
    entriesAfter: Number.isInteger(seq) ? headSeq - seq : null,
    receipts: sheets.map((s) => ({ custodian: text(s['custodian']), group: Number(s['group']), member: Number(s['member']), sheet: text(s['sheet']) ?? '?' })),
  };
}

/**
 * The ceremony the transcript speaks of: the newest in this log; on a restore
 * host, whose log holds none, the newest in the history imported with the bundle.
 */
export function ceremonyFacts(t: Transcript, imported: ImportedCeremony | null = null): CeremonyFacts {
  const currentHead = formatHead(t.head.seq, t.head.hash);
  const own = splitFacts(t.entries, t.head.seq);
  if (own) return { ...own, currentHead, from: null };
  if (imported) return { ...imported.split, receipts: [], currentHead, from: { sourceVault: imported.sourceVault, pairFingerprint: imported.pairFingerprint, historyHead: imported.historyHead } };
  return { ceremonyId: null, sheetsHead: null, currentHead, entriesAfter: null, receipts: [], from: null };
}

/** A CSS string literal: page margin boxes take their text from CSS, not from the document. */
export function cssString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, ' ')}"`;
}

/**
 * The running header and footer of every page, as CSS page margin boxes
 * (printed by Chromium's own print path, so the paper sheets' renderer is
 * unchanged): the vault and the ceremony at the top, "page N of M" below.
 */
export function pageMarginCss(t: Transcript, facts: CeremonyFacts): string {
  const top = `Custos audit transcript · vault ${t.vaultFingerprint} · ceremony ${facts.ceremonyId ?? 'none recorded'}`;
  return `@page {
  @top-left { content: ${cssString(top)}; font: 7.5pt "DejaVu Sans", Arial, sans-serif; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 7.5pt "DejaVu Sans", Arial, sans-serif; }
  @bottom-left { content: ${cssString(`head ${facts.currentHead}`)}; font: 7.5pt "DejaVu Sans Mono", monospace; }
}`;
}

/** The two heads in words: the one on the sheets, and the current one. */
export function headsHtml(facts: CeremonyFacts): string {
  if (!facts.ceremonyId) return `<p class="heads">No paper ceremony is recorded in this log. Current audit head: <strong>${e(facts.currentHead)}</strong>.</p>`;
  const sheets = facts.sheetsHead
    ? `The sheets of ceremony ${e(facts.ceremonyId)} carry audit head <strong>${e(facts.sheetsHead)}</strong>`
    : `The sheets of ceremony ${e(facts.ceremonyId)} carry no audit head (the log's head failed its check when they were printed)`;
  const after = facts.entriesAfter === null ? '' : ` (${facts.entriesAfter} ${facts.entriesAfter === 1 ? 'entry' : 'entries'} after it, the split's own included)`;
  if (facts.from) {
    const f = facts.from;
    return `<p class="heads">${sheets}, in the history imported from vault ${e(f.sourceVault)} (bundle ${e(f.pairFingerprint)}), which ran to head ${e(f.historyHead)} when it was exported${after}. This keystore's own log starts at its restore; its current head is <strong>${e(facts.currentHead)}</strong>. <code>custos audit verify --head ${e(facts.sheetsHead ?? 'SEQ:HASH')}</code> checks the sheets' head here.</p>`;
  }
  return `<p class="heads">${sheets}; the current head is <strong>${e(facts.currentHead)}</strong>${after}. Compare the first with every sheet, and keep the second with this transcript.</p>`;
}

/** One receipt line per sheet: who received which share, with room to sign. */
export function receiptsHtml(facts: CeremonyFacts): string {
  if (facts.receipts.length === 0) return '';
  const lines = facts.receipts
    .map((r) => `<div class="receipt">${e(r.custodian ?? '(no custodian named)')} — group ${r.group} share ${r.member}, sheet ${e(r.sheet)} — received: ________ signature ____________________</div>`)
    .join('\n  ');
  return `<section class="receipts">
  <h2>Receipts: ceremony ${e(facts.ceremonyId ?? '')}</h2>
  <p class="note">Each custodian signs for the sheet they received, after checking its vault fingerprint, ceremony and audit head against this page.</p>
  ${lines}
</section>`;
}

export const CEREMONY_CSS = `
p.heads { margin: 0 0 4mm; padding: 2mm; border: 0.4mm solid #000; }
.receipts { break-inside: avoid; }
.receipt { margin: 6mm 0 0; font-size: 7.5pt; }
`;
