import { escapeHtml as e } from './html.js';
import { sheetCss, type PaperSize } from './style.js';

/** Everything printed on one custodian's sheet. */
export interface SheetData {
  mnemonic: string;
  /** The QR code of `mnemonic`, as SVG markup (see qr.ts). */
  qrSvg: string;
  vaultFingerprint: string;
  /** The vault's human name (`custos init --name`); null for a vault that has none. */
  vaultName: string | null;
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

/** What a custodian does at the restore host; every command here is run as written by test/cli/paperSheetSteps.test.ts. */
function steps(d: SheetData): string {
  const check = e(d.masterKeyCheck);
  const needs = `${d.memberThreshold} share${d.memberThreshold === 1 ? '' : 's'} of this group${d.groupCount > 1 ? ` and ${d.groupThreshold} group${d.groupThreshold === 1 ? '' : 's'}` : ''}`;
  const passphrase = d.passphraseUsed
    ? '\n    <li><strong>These shares were made with a passphrase: restoring needs it too, and it is not on any sheet.</strong> Put it in a file and add <code>--share-passphrase-file FILE</code> to each command below.</li>'
    : '';
  return `<ol>
    <li>Bring this sheet to the restore host. Restoring takes ${needs}.</li>
    <li>Check the Vault, Fingerprint and Ceremony lines match the other custodians' sheets.</li>${passphrase}
    <li>Run <code>custos paper restore</code> and type the words of each sheet in order when asked (the first four letters of each word are enough), or give scans of the sheets' QR codes: <code>--qr-image SCAN</code> once per sheet. It writes nothing: it shows the recovered key's fingerprint and key check.</li>
    <li>The key check must read <code>${check}</code>; anything else means a wrong passphrase or a wrong share.</li>
    <li>Then, where the vault's keystore is at hand, run <code>custos paper restore --verify</code>; on a new host, run <code>custos paper restore --init --expect-check ${check}</code>, which creates the keystore and asks for its new passphrase.</li>
    <li>Any SLIP-0039 tool can also combine these words: the secret is the vault's master key.</li>
  </ol>`;
}

/**
 * One sheet (A4 or US Letter) as a standalone HTML document: no script, no
 * external resource, so it prints the same in headless Chromium and in Electron.
 */
export function renderSheetHtml(d: SheetData, paper: PaperSize = 'a4'): string {
  const words = d.mnemonic.trim().split(/\s+/);
  const rows: Array<[string, string]> = [
    ['Vault', d.vaultName ?? '(unnamed vault)'],
    ['Fingerprint', d.vaultFingerprint],
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
<style>${sheetCss(paper)}</style></head>
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
  ${steps(d)}
</footer>
</body></html>
`;
}
