/**
 * The stress scripts (`npm run test:stress`) each own a block of
 * docs/RELIABILITY.md between two HTML comment markers and rewrite it with
 * their figures. One writer, so they all treat the document the same way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const RELIABILITY_DOC = resolve(import.meta.dirname, '..', '..', 'docs', 'RELIABILITY.md');

/** The begin and end markers of a block: `<!-- name:begin (written by npm run test:stress) -->` … `<!-- name:end -->`. */
export function markersOf(name: string): { begin: string; end: string } {
  return { begin: `<!-- ${name}:begin (written by npm run test:stress) -->`, end: `<!-- ${name}:end -->` };
}

/**
 * Replaces what lies between the `name` markers of `doc` with `lines` (a blank
 * line either side, as the document has them). Throws, writing nothing, when
 * the markers are missing or out of order: a figure written elsewhere would
 * be a figure nobody reads.
 */
export function writeFigures(name: string, lines: readonly string[], doc = RELIABILITY_DOC): void {
  const { begin, end } = markersOf(name);
  const text = readFileSync(doc, 'utf8');
  const at = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (at < 0 || stop < at) throw new Error(`${doc} lacks the ${name} markers`);
  const block = [begin, '', ...lines, '', end].join('\n');
  writeFileSync(doc, text.slice(0, at) + block + text.slice(stop + end.length));
}
