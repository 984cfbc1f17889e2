import { escapeHtml as e } from './html.js';
import { SHEET_CSS } from './style.js';

/** Everything printed on one custodian's sheet. */
export interface SheetData {
  mnemonic: string;
  /** The QR code of `mnemonic`, as SVG markup (see qr.ts). */
  qrSvg: string;
  vaultFingerprint: string;
  /** Check value of the master key, to confirm a restore gave back the right one. */
  masterKeyCheck: string;
  ceremonyId: string;
  createdAt: string;
  custodian: string | null;
  groupIndex: number;
  groupCount: number;
  groupThreshold: number;
  memberIndex: number;
  memberCount: number;
  memberThreshold: number;
  sheetFingerprint: string;
  /** The shares were made with a SLIP-0039 passphrase, which restoring needs too. */
  passphraseUsed: boolean;
  /** The audit log head at the time of the split, when there is one. */
  auditHead: string | null;
}

function wordGrid(words: string[]): string {
  const cells = words.map((w, i) => `<li><span class="n">${i + 1}</span><span class="w">${e(w)}</span></li>`).join('');
  return `<ol class="words" aria-label="share words">${cells}</ol>`;
}

function quorum(d: SheetData): string {
  const members = `share ${d.memberIndex} of ${d.memberCount}; any ${d.memberThreshold} of these ${d.memberCount} shares make up this group`;
  if (d.groupCount === 1) return members;
  return `group ${d.groupIndex} of ${d.groupCount} (any ${d.groupThreshold} groups restore the key); ${members}`;
}

/**
 * One A4 sheet as a standalone HTML document: no script, no external
 * resource, so it prints the same in headless Chromium and in Electron.
 */
export function renderSheetHtml(d: SheetData): string {
  const words = d.mnemonic.trim().split(/\s+/);
  const rows: Array<[string, string]> = [
    ['Vault', d.vaultFingerprint],
    ['Ceremony', d.ceremonyId],
    ['Date', d.createdAt.slice(0, 10)],
    ['Custodian', d.custodian ?? '(not named)'],
    ['Share', quorum(d)],
    ['Sheet', d.sheetFingerprint],
    ['Key check', d.masterKeyCheck],
    ...(d.auditHead ? ([['Audit head', d.auditHead]] as Array<[string, string]>) : []),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custos share ${d.memberIndex} - vault ${e(d.vaultFingerprint)}</title>
<style>${SHEET_CSS}</style></head>
<body>
<header>
  <h1>Custos master key share</h1>
  <p class="secret">SECRET. Keep this sheet folded, in a sealed envelope, in a safe place. Never photograph it or type it into a networked computer.</p>
  <dl>${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
</header>
<main>
  <section class="grid"><h2>${words.length} words (SLIP-0039)</h2>${wordGrid(words)}</section>
  <section class="qr"><h2>The same words as a QR code</h2>${d.qrSvg}</section>
</main>
<footer>
  <h2>To restore</h2>
  <ol>
    <li>Bring this sheet to the restore host. It takes ${d.memberThreshold} share${d.memberThreshold === 1 ? '' : 's'} of this group${d.groupCount > 1 ? ` and ${d.groupThreshold} group${d.groupThreshold === 1 ? '' : 's'}` : ''}.</li>
    <li>Check the Vault and Ceremony lines match the other custodians' sheets.</li>${d.passphraseUsed ? '\n    <li><strong>These shares were made with a passphrase: restoring needs it too. It is not on any sheet.</strong></li>' : ''}
    <li>Run <code>custos paper restore</code> and type the words in order (the first four letters of each word are enough), or scan the QR code.</li>
    <li>The restored key's check value must read <code>${e(d.masterKeyCheck)}</code>; anything else means a wrong passphrase or a wrong share.</li>
    <li>Any SLIP-0039 tool can also combine these words: the secret is the vault's master key.</li>
  </ol>
</footer>
</body></html>
`;
}
