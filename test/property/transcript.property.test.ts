/**
 * Hostile audit transcripts: a file handed to `custos audit verify-transcript`
 * (or the app) is parsed into TRANSCRIPT_MALFORMED or a transcript, and a
 * parsed one gets a verdict, never an exception; a changed one never verifies.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditHead, exportTranscript } from '../../src-main/core/audit/report.js';
import { parseTranscript, verifyTranscript } from '../../src-main/core/audit/transcript.js';
import { decodeBase64Strict } from '../../src-main/core/crypto/bytes.js';
import { withOpen } from '../core/bundle/helpers.js';
import { makeVault } from '../helpers/keystore.js';
import { counted, mutate, mutation, outcome, runs, timeoutFor } from './runs.js';

let original: string;
let publicKey: Uint8Array;

beforeAll(async () => {
  const vault = await makeVault();
  await withOpen(vault, (ks) => ks.generate([{ scope: 'client', clientId: 'orders' }]));
  await withOpen(vault, (ks) => ks.rotate('orders_storage'));
  original = JSON.stringify(await withOpen(vault, (ks) => exportTranscript(ks, { formats: ['json'] })));
  publicKey = decodeBase64Strict((await withOpen(vault, (ks) => auditHead(ks))).publicKey) ?? new Uint8Array(32);
}, 60_000);

/** Replaces the value at a random path of a JSON document with another JSON value. */
function replaceAt(doc: unknown, choices: readonly number[], value: unknown): unknown {
  if (choices.length === 0 || doc === null || typeof doc !== 'object') return value;
  const [first = 0, ...rest] = choices;
  if (Array.isArray(doc)) {
    if (doc.length === 0) return value;
    const copy = [...doc];
    const i = first % copy.length;
    copy[i] = replaceAt(copy[i], rest, value);
    return copy;
  }
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[first % keys.length] as string;
  return { ...(doc as Record<string, unknown>), [key]: replaceAt((doc as Record<string, unknown>)[key], rest, value) };
}

const hostile = fc.oneof(
  fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => mutate(Buffer.from(original), m).toString('utf8')),
  fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })).map(([path, value]) => JSON.stringify(replaceAt(JSON.parse(original), path, value))),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe('audit transcripts on hostile input', () => {
  it('parse to TRANSCRIPT_MALFORMED or a transcript that gets a verdict; a changed transcript never verifies', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        if (outcome(() => parseTranscript(text), ['TRANSCRIPT_MALFORMED']) !== 'ok') return;
        const transcript = parseTranscript(text);
        let verdict: ReturnType<typeof verifyTranscript> | null = null;
        outcome(() => {
          verdict = verifyTranscript(transcript, publicKey);
        }, []);
        const v = verdict as ReturnType<typeof verifyTranscript> | null;
        if (v?.ok) expect(JSON.stringify(JSON.parse(text))).toBe(original);
      }),
      { numRuns: counted(runs(400)) },
    );
  }, timeoutFor(60_000));

  // Found by the property above: a head seq outside u32 threw a RangeError while verifying.
  it('regression: a head seq that is not a u32 is TRANSCRIPT_MALFORMED', () => {
    for (const seq of [-3702601775579683, -1, 2 ** 32, 2 ** 53]) {
      const t = JSON.parse(original) as { head: { seq: number } };
      t.head.seq = seq;
      expect(outcome(() => parseTranscript(JSON.stringify(t)))).toBe('TRANSCRIPT_MALFORMED');
    }
  });

  // Found by the 100,000-run stress property: a field the signature does not cover ("sversion", a mutated copy of a
  // key) was carried by a transcript that still verified. Unknown fields are refused, at every level.
  it('regression: a field no transcript carries, at the top, in the head or in an entry, is TRANSCRIPT_MALFORMED', () => {
    const add = (edit: (t: { head: object; entries: object[] } & Record<string, unknown>) => void) => {
      const t = JSON.parse(original) as { head: object; entries: object[] } & Record<string, unknown>;
      edit(t);
      return JSON.stringify(t);
    };
    expect(outcome(() => parseTranscript(original))).toBe('ok');
    for (const text of [
      add((t) => (t['sversion'] = 1)),
      add((t) => Object.assign(t.head, { note: 'x' })),
      add((t) => Object.assign(t.entries[t.entries.length - 1] ?? {}, { approvedBy: 'Mallory' })),
      original.replace('{"format"', '{"__proto__":{},"format"'),
    ]) {
      expect(outcome(() => parseTranscript(text)), text.slice(0, 40)).toBe('TRANSCRIPT_MALFORMED');
    }
  });

  // Found by the property above: naming the version with String() threw a TypeError for this object.
  it('regression: a version object with a non-function toString is TRANSCRIPT_MALFORMED', () => {
    const t = JSON.parse(original) as Record<string, unknown>;
    t['version'] = { toString: '' };
    expect(outcome(() => parseTranscript(JSON.stringify(t)))).toBe('TRANSCRIPT_MALFORMED');
  });
});
