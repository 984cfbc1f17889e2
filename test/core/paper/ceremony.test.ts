import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countQuorums, quorums, shareTag, splitMasterKey } from '../../../src-main/core/paper/ceremony.js';
import { normalizeMnemonic } from '../../../src-main/core/paper/mnemonic.js';
import { findChromium } from '../../../src-main/core/paper/print/chromium.js';
import { renderSheetHtml } from '../../../src-main/core/paper/sheet/template.js';
import { generateMasterKey } from '../../../src-main/core/masterkey/masterKey.js';
import { tempDir } from '../../helpers/tmp.js';

describe('quorums', () => {
  it('enumerates every minimal quorum, and countQuorums agrees', () => {
    const groups = [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }, { threshold: 3, count: 5 }];
    const mnemonics = groups.map((g, gi) => Array.from({ length: g.count }, (_, mi) => `g${gi}m${mi}`));
    const all = [...quorums(mnemonics, 2, groups)].map((q) => q.join(' '));
    // C(3,2)*1 + C(3,2)*C(5,3) + 1*C(5,3) = 3 + 30 + 10
    expect(all).toHaveLength(43);
    expect(new Set(all).size).toBe(43);
    expect(countQuorums(groups, 2)).toBe(43);
    expect(countQuorums([{ threshold: 5, count: 7 }], 1)).toBe(21);
  });
});

describe('splitMasterKey', () => {
  it('checks every quorum and records a distinct keyed tag per share, never the words', () => {
    const masterKey = generateMasterKey();
    const tagKey = new Uint8Array(32).fill(5);
    let progress = 0;
    const out = splitMasterKey(masterKey, tagKey, 'aaaa-bbbb-cccc-dddd', { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], custodians: ['Ana', 'Ben'], iterationExponent: 0 }, (n) => (progress = n));
    expect(out.subsetsChecked).toBe(10);
    expect(progress).toBe(10);
    expect(out.record.shares.map((s) => s.custodian)).toEqual(['Ana', 'Ben', null, null, null]);
    const tags = out.record.shares.map((s) => Buffer.from(s.tag).toString('hex'));
    expect(new Set(tags).size).toBe(5);
    expect(Buffer.from(shareTag(tagKey, out.mnemonics[0]?.[0] ?? '')).toString('hex')).toBe(tags[0]);
    // Words as share text: a run of them. (One word alone can be in the JSON by chance: "member" is a SLIP-0039 word.)
    const record = JSON.stringify(out.record);
    for (const mnemonic of out.mnemonics.flat()) expect(record).not.toContain(mnemonic.split(' ').slice(4, 7).join(' '));
  });

  it('tags a share the same however it is typed (case, spacing, 4-letter prefixes)', () => {
    const tagKey = new Uint8Array(32).fill(1);
    const words = 'academic acid acne acquire acrobat activity actress adapt';
    const typed = ' ACAD acid   acne acqu acro acti actr adap ';
    expect(normalizeMnemonic(typed)).toBe(words);
    expect(Buffer.from(shareTag(tagKey, typed)).equals(Buffer.from(shareTag(tagKey, words)))).toBe(true);
  });
});

describe('findChromium', () => {
  it('finds an executable on PATH, refuses a non-executable one, and says what to install', () => {
    const dir = tempDir();
    const fake = join(dir, 'chromium');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o644);
    expect(() => findChromium(undefined, dir)).toThrow(expect.objectContaining({ code: 'CHROMIUM_NOT_FOUND', message: expect.stringContaining('apt install chromium') }));
    chmodSync(fake, 0o755);
    expect(findChromium(undefined, dir)).toBe(fake);
    expect(() => findChromium(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'CHROMIUM_NOT_FOUND' }));
  });
});

describe('sheet template', () => {
  it('escapes every field and loads nothing from outside the page', () => {
    const html = renderSheetHtml({
      mnemonic: 'academic acid',
      qrSvg: '<svg></svg>',
      vaultFingerprint: 'v',
      vaultName: null,
      masterKeyCheck: 'k',
      ceremonyId: 'c',
      createdAt: '2026-01-01T00:00:00Z',
      custodian: '<img src=x onerror=alert(1)>',
      groupIndex: 1,
      groupCount: 1,
      groupThreshold: 1,
      memberIndex: 1,
      memberCount: 1,
      memberThreshold: 1,
      sheetFingerprint: 's',
      passphraseUsed: true,
      auditHead: null,
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toMatch(/<script|src=["']http|href=["']http/);
    expect(html).toContain('restoring needs it too');
  });
});
