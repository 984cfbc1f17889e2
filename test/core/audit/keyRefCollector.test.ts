import { describe, expect, it } from 'vitest';
import { KeyRefCollector, keysSubject, MAX_LISTED_KEYS } from '../../../src-main/core/audit/subjects.js';

/**
 * KeyRefCollector writes each ref's canonical JSON by hand and hashes the
 * text in large pieces (an export's or import's audit subject). Its digest
 * must stay that of canonicalJson over the whole list, for names JSON must
 * escape and for lists long enough to be hashed in several pieces.
 */
describe('KeyRefCollector fast path', () => {
  const names = ['plain_storage', 'quote"and\\slash_hmac', 'ünï∑ödé_storage', 'tab\tnew\nline_zone', 'lone\ud800surrogate_hmac', '😀_storage'];

  it('matches keysSubject for names that need escaping, over several hashed pieces', () => {
    // ~100 characters a ref: 3,000 refs are about 300,000 characters, several 64 Ki-character pieces.
    for (const n of [1, MAX_LISTED_KEYS + 1, 3000]) {
      const refs = Array.from({ length: n }, (_, i) => ({ name: `${names[i % names.length]}-${i}`, version: (i % 5) + 1, fingerprint: (i * 7919).toString(16).padStart(32, '0') }));
      const collector = new KeyRefCollector();
      for (const ref of refs) collector.add(ref);
      expect(collector.subject({ bundle: 'b' }), `n=${n}`).toEqual(keysSubject(refs, { bundle: 'b' }));
    }
  });

  it('a subject taken mid-way leaves the collector usable, and one changed ref changes the digest', () => {
    const refs = Array.from({ length: 2000 }, (_, i) => ({ name: `client-${i}_storage`, version: 1, fingerprint: i.toString(16).padStart(32, '0') }));
    const collector = new KeyRefCollector();
    refs.slice(0, 1000).forEach((r) => collector.add(r));
    expect(collector.subject()).toEqual(keysSubject(refs.slice(0, 1000)));
    refs.slice(1000).forEach((r) => collector.add(r));
    expect(collector.subject()).toEqual(keysSubject(refs));
    const edited = refs.map((r, i) => (i === 1999 ? { ...r, version: 2 } : r));
    expect(collector.subject().digest).not.toEqual(keysSubject(edited).digest);
  });
});
