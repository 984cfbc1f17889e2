import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPdfs } from '../../../src-main/core/paper/print/pdf.js';
import { qrSvg } from '../../../src-main/core/paper/sheet/qr.js';
import { renderSheetHtml, type SheetData } from '../../../src-main/core/paper/sheet/template.js';
import { tempDir } from '../../helpers/tmp.js';

/** The longest sheet there is: 33 words, the longest vault name, a long custodian name, two groups, a passphrase notice and an audit head. */
async function longestSheet(): Promise<SheetData> {
  const mnemonic = Array.from({ length: 33 }, (_, i) => ['academic', 'acquire', 'aquatic', 'distance', 'strategy'][i % 5]).join(' ');
  return {
    mnemonic,
    qrSvg: await qrSvg(mnemonic),
    vaultFingerprint: '6447-4354-f04a-0861',
    vaultName: 'Payments and settlements, European Union production vault (primary) '.padEnd(200, 'x'),
    masterKeyCheck: '3f2a-91c0-aa10-77e1',
    ceremonyId: '20976',
    createdAt: '2026-11-27T09:00:00.000Z',
    custodian: 'Ana Beatriz Lima de Souza Carvalho, Head of Platform Security Operations',
    groupIndex: 2,
    groupCount: 3,
    groupThreshold: 2,
    memberIndex: 5,
    memberCount: 7,
    memberThreshold: 4,
    sheetFingerprint: 'bc38-0f19-20ea-4ace',
    passphraseUsed: true,
    auditHead: '1234:3f9a07c2d1e48b56',
  };
}

describe('a sheet fits one page', () => {
  it('on A4 and on US Letter, even the longest sheet', async () => {
    const html = (paper: 'a4' | 'letter') => longestSheet().then((d) => renderSheetHtml(d, paper));
    const [a4, letter] = await Promise.all([html('a4'), html('letter')]);
    expect(a4).toContain('@page { size: A4;');
    expect(letter).toContain('@page { size: letter;');
    const dir = tempDir();
    const pages: string[] = [];
    for (const [paper, page] of [['a4', a4], ['letter', letter]] as const) {
      const [pdf] = await renderPdfs([page], '/usr/bin/chromium', undefined, { paper });
      const file = join(dir, `${paper}.pdf`);
      writeFileSync(file, pdf ?? Buffer.alloc(0));
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      pages.push(`${paper}: ${/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? '?'} page, ${/^Page size:\s+(\S+) x (\S+)/m.exec(info)?.slice(1, 3).map((n) => Math.round(Number(n))).join('x') ?? '?'} pt`);
    }
    expect(pages).toEqual(['a4: 1 page, 595x842 pt', 'letter: 1 page, 612x792 pt']);
  });
});
