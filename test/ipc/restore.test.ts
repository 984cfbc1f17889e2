/**
 * The restore channels through the real handler table, worker, core and
 * SQLite: every refusal comes back with its typed code and leaves nothing
 * written, and the whole path (shares, the sheets' values, bundle, new
 * vault, import, checks on this host, a drill) ends with the source's keys.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_KDF, startHarness, type Harness } from './harness.js';
import { restoreSource, type RestoreSource } from './restoreFixture.js';
import { tempDir } from '../helpers/tmp.js';

const PASS = 'restore host passphrase';
const files = (h: Harness) => (existsSync(h.vaultsDir) ? readdirSync(h.vaultsDir) : []);

async function fail(h: Harness, channel: Parameters<Harness['raw']>[0], payload: unknown): Promise<{ code: string; message: string }> {
  const result = await h.raw(channel, payload);
  if (result.ok) throw new Error(`${channel} should have failed`);
  return { code: result.code, message: result.message };
}

/** Two shares in, the sheets' values compared, the bundle chosen. */
async function ready(h: Harness, s: RestoreSource, bundle = s.bundle): Promise<void> {
  await h.ok('restore:addShare', { words: s.words[0]!, how: 'typed' });
  await h.ok('restore:addShare', { words: s.words[2]!, how: 'camera' });
  await h.ok('restore:compare', s.claims);
  h.fileChoices.push(bundle, s.accessKeys);
  await h.ok('restore:chooseBundle', {});
}

describe('restore: shares one by one', () => {
  it('a wrong word, a bad checksum, a repeat and another ceremony are refused by code; accepted shares stay; progress per group', async () => {
    const s = await restoreSource();
    const h = startHarness();
    expect((await h.ok('restore:wordlist', {})).words).toHaveLength(1024);
    const words = s.words[0]!.split(' ');

    const unknown = [...words];
    unknown[4] = 'zzzzqx';
    const wrongWord = await fail(h, 'restore:addShare', { words: unknown.join(' '), how: 'typed' });
    expect(wrongWord.code).toBe('SHARE_WORD_UNKNOWN');
    expect(wrongWord.message).toContain('Word 5');
    expect(wrongWord.message).not.toContain('zzzzqx');

    const swapped = [...words];
    [swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!];
    expect((await fail(h, 'restore:addShare', { words: swapped.join(' '), how: 'typed' })).code).toBe('SHARE_CHECKSUM');
    expect((await h.ok('restore:state', {})).shares).toEqual([]);

    const one = await h.ok('restore:addShare', { words: s.words[0]!, how: 'typed' });
    expect(one.shares).toEqual([{ source: 'typed share 1', group: 1, member: 1 }]);
    expect(one.progress.lines).toEqual(['1 of 2 shares, 1 more needed']);
    expect(one.progress.complete).toBe(false);

    const again = await fail(h, 'restore:addShare', { words: s.words[0]!, how: 'camera' });
    expect(again.code).toBe('SHARE_DUPLICATE');
    expect(again.message).toContain('typed share 1');
    const other = await fail(h, 'restore:addShare', { words: s.otherCeremonyShare, how: 'typed' });
    expect(other.code).toBe('SHARES_MISMATCH');
    expect(other.message).toMatch(/2 different ceremonies/);

    const two = await h.ok('restore:addShare', { words: s.words[1]!, how: 'typed' });
    expect(two.shares.map((x) => x.source)).toEqual(['typed share 1', 'typed share 2']);
    expect(two.progress.lines).toEqual(['2 of 2 shares, complete', 'Enough shares to restore the master key.']);
    // No response carries a word of any share: none is in any of its texts. (Its JSON as a whole once matched
    // the share word "true" in `"complete":true`: keys, booleans and numbers are the schema's, not text.)
    const textsOf = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(textsOf) : []);
    const strings = textsOf(two);
    expect(strings).toEqual(expect.arrayContaining(['typed share 1', '2 of 2 shares, complete']));
    for (const w of words.slice(0, 6)) for (const text of strings) expect(text).not.toMatch(new RegExp(`\\b${w}\\b`));
    expect(files(h)).toEqual([]);
  }, 60_000);
});

describe('restore: the sheets, the bundle and the vault', () => {
  it('a sheet value that differs is named (ceremony, key check); wrong access keys are refused; nothing is written', async () => {
    const s = await restoreSource();
    const h = startHarness();
    await h.ok('restore:addShare', { words: s.words[1]!, how: 'typed' });
    await h.ok('restore:addShare', { words: s.words[2]!, how: 'typed' });
    const ceremony = await fail(h, 'restore:compare', { ...s.claims, ceremony: String((Number(s.claims.ceremony) + 1) % 32768) });
    expect(ceremony.code).toBe('SHARES_MISMATCH');
    expect(ceremony.message).toContain(`ceremony: the sheets print`);
    const check = await fail(h, 'restore:compare', { ...s.claims, keyCheck: '0000-0000-0000-0000' });
    expect(check.code).toBe('WRONG_MASTER_KEY');
    expect(check.message).toContain('key check: the sheets print 0000-0000-0000-0000');
    expect(check.message).not.toContain('vault fingerprint');
    // Nothing further until the values match.
    h.fileChoices.push(s.bundle, s.accessKeys);
    expect((await fail(h, 'restore:chooseBundle', {})).code).toBe('CONFIRMATION_REQUIRED');
    h.fileChoices.length = 0;

    await h.ok('restore:compare', s.claims);
    h.fileChoices.push(s.bundle, s.otherAccessKeys);
    expect((await fail(h, 'restore:chooseBundle', {})).code).toBe('ACCESS_KEYS_MISMATCH');
    expect((await h.ok('restore:state', {})).bundle).toBeNull();
    // A tampered bundle is found before the vault file is made.
    h.fileChoices.push(s.tampered, s.accessKeys);
    await h.ok('restore:chooseBundle', {});
    const tampered = await fail(h, 'restore:create', { name: 'restored', passphrase: PASS, kdf: FAST_KDF });
    expect(tampered.code).toBe('BUNDLE_TAMPERED');
    expect(files(h)).toEqual([]);
  }, 60_000);

  it('restores: a new vault on the recovered key, the bundle imported and checked against its manifest, sheets genuine, head found', async () => {
    const s = await restoreSource();
    const h = startHarness();
    await ready(h, s);
    const vault = await h.ok('restore:create', { name: 'restored', passphrase: PASS, kdf: FAST_KDF });
    expect(vault.vaultFingerprint).toBe(s.claims.vaultFingerprint);
    const report = await h.ok('restore:import', {});
    expect(report.comparison.keys).toBeGreaterThan(5);
    expect(report.comparison).toMatchObject({ different: 0, equal: report.comparison.keys });
    expect(report.sheets.map((x) => [x.source, x.genuine, x.custodian])).toEqual([['typed share 1', true, 'Ana Lima'], ['camera share 1', true, 'Chen Wu']]);
    expect(report.head).toMatchObject({ head: s.claims.auditHead, found: true });
    const keys = (await h.ok('keys:list', { allVersions: true })).keys.map((k) => ({ name: k.name, version: k.version, fingerprint: k.fingerprint }));
    expect(keys.sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version)).toEqual(s.fingerprints);
    expect(h.events.some((e) => e.channel === 'event:progress' && (e.payload as { task: string }).task === 'restore')).toBe(true);
    // The vault unlocks with the new passphrase after a lock.
    await h.ok('vault:lock', {});
    await h.ok('vault:unlock', { id: vault.id, passphrase: PASS });
  }, 90_000);

  it('cancel during the import rolls it back; the import then runs again', async () => {
    const s = await restoreSource();
    const h = startHarness();
    await ready(h, s);
    await h.ok('restore:create', { name: 'restored', passphrase: PASS, kdf: FAST_KDF });
    const importing = h.raw('restore:import', {});
    expect(await h.ok('restore:cancel', {})).toEqual({ cancelling: true });
    const cancelled = await importing;
    expect(cancelled.ok ? 'ok' : cancelled.code).toBe('CANCELLED');
    expect((await h.ok('keys:list', {})).keys).toEqual([]);
    expect((await h.ok('restore:import', {})).comparison.different).toBe(0);
  }, 90_000);
});

describe('restore drill', () => {
  it('passes with the right bundle and records its report in the open vault; a tampered bundle fails with the reason and leaves no scratch vault', async () => {
    const s = await restoreSource();
    const h = startHarness();
    await h.ok('vault:create', { name: 'host', passphrase: PASS, kdf: FAST_KDF });
    await ready(h, s);
    const drill = await h.ok('restore:drill', {});
    expect(drill.checks.map((c) => [c.name, c.ok])).toEqual([
      ['Every key restored and equal by fingerprint', true],
      ['Sheets genuine', true],
      ['Audit head found', true],
    ]);
    expect(drill).toMatchObject({ passed: true, scratchRemoved: true, loggedIn: 'host', vaultFingerprint: s.claims.vaultFingerprint });
    expect(existsSync(drill.scratchFolder)).toBe(false);
    const page = await h.ok('audit:page', { filter: { operation: 'paper-restore' }, offset: 0, limit: 10 });
    expect(page.entries.at(-1)?.details).toContain('drill');
    expect((await h.ok('keys:list', {})).keys).toEqual([]); // the open vault got no keys

    const out = join(tempDir(), 'drill.pdf');
    h.saveChoices.push(out);
    await h.ok('restore:printDrill', {});
    expect(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' })).toContain('Restore drill: PASSED');

    h.fileChoices.push(s.tampered, s.accessKeys);
    await h.ok('restore:chooseBundle', {});
    const bad = await h.ok('restore:drill', {});
    expect(bad.passed).toBe(false);
    expect(bad.checks[0]?.detail).toMatch(/^BUNDLE_TAMPERED: /);
    expect(existsSync(bad.scratchFolder)).toBe(false);
    expect(readFileSync(s.bundle).length).toBeGreaterThan(0);
    const after = await h.ok('audit:page', { filter: { operation: 'paper-restore' }, offset: 0, limit: 10 });
    expect(after.entries.at(-1)?.outcome).toBe('drill-failed');
  }, 120_000);
});
