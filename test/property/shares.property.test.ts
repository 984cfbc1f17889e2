/**
 * Hostile share text and QR payloads: what a person types or a scanner reads
 * is decoded into a typed SHARE_* error or a valid share, and a set of
 * shares restores only when it is a consistent quorum of one split (SLIP-0039).
 * The QR code of a sheet carries the mnemonic itself, so the scanned text goes
 * through the same decoder (checkShare) as typed words.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkShare } from '../../src-main/core/paper/paperVault.js';
import { restoreProgress, restoreSecret } from '../../src-main/core/paper/restore.js';
import { WORDLIST, decodeMnemonic, splitSecret } from '../../src-main/core/paper/slip39/index.js';
import { counted, outcome, runs, timeoutFor } from './runs.js';

const SHARE_CODES = ['SHARE_WORD_UNKNOWN', 'SHARE_CHECKSUM', 'SHARE_LENGTH', 'SHARE_PADDING', 'SHARE_INVALID', 'INVALID_ARGUMENT'] as const;
const SET_CODES = [...SHARE_CODES, 'SHARE_DUPLICATE', 'SHARES_MISMATCH', 'SHARES_INSUFFICIENT', 'SHARES_TOO_MANY', 'SHARE_DIGEST'] as const;

/** Two 2-of-3 splits of two secrets (cheap PBKDF2: exponent 0), so sets can mix them. */
const secrets = [randomBytes(32), randomBytes(32)];
const splits = secrets.map((secret, i) => splitSecret({ secret, groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0, identifier: 100 + i })[0] as string[]);
const valid = splits.flat();

const word = fc.constantFrom(...WORDLIST);
/** Text a person or a scanner might produce: valid shares edited, word salad, and plain noise. */
const shareText = fc.oneof(
  fc.tuple(fc.constantFrom(...valid), fc.nat(), word).map(([s, at, w]) => {
    const words = s.split(' ');
    words[at % words.length] = w;
    return words.join(' ');
  }),
  fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat()).map(([s, a, b]) => {
    const words = s.split(' ');
    const [i, j] = [a % words.length, b % words.length];
    [words[i], words[j]] = [words[j] as string, words[i] as string];
    return words.join(' ');
  }),
  fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([s, n]) => s.split(' ').slice(0, n % 34).join(' ')),
  fc.array(word, { minLength: 0, maxLength: 60 }).map((w) => w.join(' ')),
  fc.tuple(fc.constantFrom(...valid), fc.constantFrom('\n', '\t', '  ', ',', '1. ', 'SLIP39:', '\u00a0', '\u200b', 'ß')).map(([s, sep]) => s.split(' ').join(sep)),
  fc.string({ maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('share text and QR payloads', () => {
  it('decode to a valid share or a typed SHARE_* code, for typed words and scanned text alike', () => {
    fc.assert(
      fc.property(shareText, (text) => {
        const decoded = outcome(() => decodeMnemonic(text), SHARE_CODES);
        // The scan-back path (a QR payload, the app's ceremony and restore screens) must agree with the decoder.
        expect(outcome(() => checkShare(text, null), SHARE_CODES)).toBe(decoded);
      }),
      { numRuns: counted(runs(1000)) },
    );
  }, timeoutFor(30_000));

  it('a set of shares restores only a genuine quorum of one split; anything else is a typed code', () => {
    const input = fc.array(fc.oneof(fc.constantFrom(...valid), shareText), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(input, (texts) => {
        const shares = texts.map((text, i) => ({ source: `share ${i + 1}`, text }));
        outcome(() => restoreProgress(shares), SET_CODES);
        let restored: Uint8Array | null = null;
        const result = outcome(() => {
          restored = restoreSecret(shares).secret;
        }, SET_CODES);
        if (result === 'ok') {
          // Only ever one of the two real secrets, from at least two shares of its own split.
          const which = secrets.findIndex((s) => Buffer.from(restored as unknown as Uint8Array).equals(s));
          expect(which).toBeGreaterThanOrEqual(0);
          const words = (t: string) => t.trim().split(/\s+/).join(' ');
          expect(new Set(texts.map(words).filter((t) => splits[which]?.includes(t))).size).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: counted(runs(500)) },
    );
  }, timeoutFor(60_000));
});
