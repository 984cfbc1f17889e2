/**
 * Issue 4 figures: split (including the check of every quorum) and restore
 * time for 3-of-5 and 5-of-7 at the default iteration exponent (1), and PDF
 * rendering time per sheet in the system Chromium.
 */
import { splitMasterKey } from '../../src-main/core/paper/ceremony.js';
import { renderPdfs } from '../../src-main/core/paper/print/pdf.js';
import { findChromium } from '../../src-main/core/paper/print/chromium.js';
import { restoreSecret } from '../../src-main/core/paper/restore.js';
import { qrSvg } from '../../src-main/core/paper/sheet/qr.js';
import { renderSheetHtml } from '../../src-main/core/paper/sheet/template.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { fmt, peakRssMiB, row, timed } from './measure.js';

const masterKey = generateMasterKey();
const tagKey = new Uint8Array(32).fill(9);
row('', 'quorums', 'split ms', 'restore ms');
let sheetsFor5: string[] = [];
for (const [k, n] of [
  [3, 5],
  [5, 7],
] as const) {
  const split = await timed(() => splitMasterKey(masterKey, tagKey, 'bench', { groupThreshold: 1, groups: [{ threshold: k, count: n }], custodians: [] }));
  const mnemonics = split.value.mnemonics[0] ?? [];
  const restore = await timed(() => restoreSecret(mnemonics.slice(0, k).map((text, i) => ({ source: String(i), text }))));
  if (!Buffer.from(restore.value.secret).equals(Buffer.from(masterKey))) throw new Error('restore gave another key');
  row(`${k}-of-${n}, iteration exponent 1`, split.value.subsetsChecked, fmt(split.ms), fmt(restore.ms));
  if (n === 5) sheetsFor5 = mnemonics;
}

const htmls = await Promise.all(
  sheetsFor5.map(async (mnemonic, i) =>
    renderSheetHtml({
      mnemonic,
      qrSvg: await qrSvg(mnemonic),
      vaultFingerprint: '0000-0000-0000-0000',
      vaultName: null,
      masterKeyCheck: '0000-0000-0000-0000',
      ceremonyId: 'bench',
      createdAt: new Date().toISOString(),
      custodian: `custodian ${i + 1}`,
      groupIndex: 1,
      groupCount: 1,
      groupThreshold: 1,
      memberIndex: i + 1,
      memberCount: 5,
      memberThreshold: 3,
      sheetFingerprint: '0000-0000-0000-0000',
      passphraseUsed: false,
      auditHead: null,
    }),
  ),
);
const chromium = findChromium(undefined);
const one = await timed(() => renderPdfs(htmls.slice(0, 1), chromium));
const five = await timed(() => renderPdfs(htmls, chromium));
row('PDF: 1 sheet (Chromium start included)', '', fmt(one.ms), '');
row('PDF: 5 sheets, one browser', '', fmt(five.ms), '');
row('PDF: per extra sheet', '', fmt((five.ms - one.ms) / 4), '');
console.log(`peak RSS ${fmt(peakRssMiB())} MiB (Chromium runs in its own processes)`);
