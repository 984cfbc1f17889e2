import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash } from '../../../src-main/core/audit/entry.js';
import { auditHead, exportTranscript } from '../../../src-main/core/audit/report.js';
import { parseTranscript, verifyTranscript, type Transcript } from '../../../src-main/core/audit/transcript.js';
import { decodeBase64Strict } from '../../../src-main/core/crypto/bytes.js';
import { expectCode, withOpen } from '../bundle/helpers.js';
import { sql } from '../../helpers/audit.js';
import { makeVault } from '../../helpers/keystore.js';
import { tempDir } from '../../helpers/tmp.js';

/** A vault with some history, its transcript written to a file, and the public key as `audit head` shows it. */
async function exported(): Promise<{ file: string; publicKey: string; head: string; vault: Awaited<ReturnType<typeof makeVault>> }> {
  const vault = await makeVault();
  await withOpen(vault, (ks) => ks.generate([{ scope: 'client', clientId: 'orders' }]));
  await withOpen(vault, (ks) => ks.rotate('orders_storage'));
  const transcript = await withOpen(vault, (ks) => exportTranscript(ks, { formats: ['json'] }));
  const head = await withOpen(vault, (ks) => auditHead(ks));
  const file = join(tempDir(), 'audit.json');
  writeFileSync(file, JSON.stringify(transcript, null, 2));
  return { file, publicKey: head.publicKey, head: head.head, vault };
}

/** What another machine has: the file and a key it was given. Nothing from the keystore. */
function verifyElsewhere(file: string, publicKey: string, head?: { seq: number; hash: string }) {
  return verifyTranscript(parseTranscript(readFileSync(file, 'utf8')), decodeBase64Strict(publicKey) ?? new Uint8Array(0), head);
}

/** The attacker's best move without the key: change an entry and recompute its SHA-256. */
function recomputed(e: Transcript['entries'][number]): void {
  e.actor = 'Mallory';
  const hash = entryHash({ ...e, subject: canonicalJson(e.subject), prev: new Uint8Array(Buffer.from(e.prev, 'hex')) });
  e.hash = Buffer.from(hash ?? new Uint8Array(32)).toString('hex');
}

function rewrite(file: string, change: (t: Transcript) => void): void {
  const t = JSON.parse(readFileSync(file, 'utf8')) as Transcript;
  change(t);
  writeFileSync(file, JSON.stringify(t));
}

describe('signed transcripts', () => {
  it('hold every entry including their own export, and verify with only the file and the public key', async () => {
    const { file, publicKey, head } = await exported();
    const t = parseTranscript(readFileSync(file, 'utf8'));
    expect(t.entries.map((e) => e.operation)).toEqual(['init', 'unlock', 'key-generate', 'unlock', 'key-rotate', 'unlock', 'audit-export']);
    expect(`${t.head.seq}:${t.head.hash.slice(0, 16)}`).toBe(head);
    expect(t.publicKey).toBe(publicKey);
    const verdict = verifyElsewhere(file, publicKey);
    expect(verdict).toMatchObject({ ok: true, entries: 7, problem: null });
    const [seq, hash] = head.split(':');
    expect(verifyElsewhere(file, publicKey, { seq: Number(seq), hash: hash ?? '' }).ok).toBe(true);
    expect(verifyElsewhere(file, publicKey, { seq: 9, hash: 'abcdef01' }).problem).toMatchObject({ kind: 'truncated' });
  });

  const tamperings: Array<[string, (t: Transcript) => void, string]> = [
    ['an edited actor', (t) => void ((t.entries[2] as Transcript['entries'][number]).actor = 'Mallory'), 'edited'],
    ['an edited subject', (t) => void ((t.entries[4] as Transcript['entries'][number]).subject = { count: 0 }), 'edited'],
    ['an edited outcome', (t) => void ((t.entries[4] as Transcript['entries'][number]).outcome = 'KEY_NOT_FOUND'), 'edited'],
    ['an edited actor, its hash recomputed', (t) => recomputed(t.entries[2] as Transcript['entries'][number]), 'edited'],
    ['a removed entry', (t) => void t.entries.splice(3, 1), 'signature'],
    ['two entries swapped', (t) => void t.entries.splice(2, 2, t.entries[3] as Transcript['entries'][number], t.entries[2] as Transcript['entries'][number]), 'reordered'],
    ['the last entry cut off, head unchanged', (t) => void t.entries.pop(), 'signature'],
    ['the head moved back', (t) => void (t.head = { seq: 5, hash: t.entries[4]?.hash ?? '' }), 'signature'],
    ['another vault fingerprint', (t) => void (t.vaultFingerprint = '0000-0000-0000-0000'), 'signature'],
    ['another public key named', (t) => void (t.publicKey = Buffer.alloc(32, 7).toString('base64')), 'signature'],
  ];
  it.each(tamperings)('%s fails verification', async (_label, change, kind) => {
    const { file, publicKey } = await exported();
    rewrite(file, change);
    const verdict = verifyElsewhere(file, publicKey);
    expect(verdict.ok).toBe(false);
    expect(verdict.problem?.kind).toBe(kind);
  });

  it('another keystore\'s public key does not verify it', async () => {
    const { file } = await exported();
    const other = await exported();
    expect(verifyElsewhere(file, other.publicKey).problem?.kind).toBe('signature');
  });

  it('a file that is not a transcript is TRANSCRIPT_MALFORMED', async () => {
    const { file } = await exported();
    for (const text of ['{', '[]', '{"format":"custos-audit-transcript","version":2}', readFileSync(file, 'utf8').replace('"entries": [', '"entries": [7,')]) {
      await expectCode(() => parseTranscript(text), 'TRANSCRIPT_MALFORMED');
    }
  });

  it('a log that fails verification is never signed (AUDIT_TAMPERED), and its export entry is not kept', async () => {
    const vault = await makeVault();
    await withOpen(vault, (ks) => ks.generate([{ scope: 'global' }]));
    await withOpen(vault, (ks) => ks.rotate('auth_key'));
    sql(vault.path, "UPDATE audit_log SET actor = 'Mallory' WHERE seq = 2");
    await expectCode(() => withOpen(vault, (ks) => exportTranscript(ks, {})), 'AUDIT_TAMPERED');
    await withOpen(vault, (ks) => expect(auditHead(ks).seq).toBe(5));
  });
});
