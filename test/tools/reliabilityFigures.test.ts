import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { markersOf, RELIABILITY_DOC, writeFigures } from './reliabilityFigures.js';

function docWith(text: string): string {
  const path = join(tempDir('custos-figures-'), 'RELIABILITY.md');
  writeFileSync(path, text);
  return path;
}

describe('writing stress figures between markers', () => {
  it('replaces only its own block, keeping the text around it and the other blocks', () => {
    const a = markersOf('alpha');
    const b = markersOf('beta');
    const path = docWith(`# Title\n\n${a.begin}\n\nold alpha\n\n${a.end}\n\nprose\n\n${b.begin}\n\nold beta\n\n${b.end}\n`);
    writeFigures('alpha', ['new line 1', '', '| t |'], path);
    expect(readFileSync(path, 'utf8')).toBe(`# Title\n\n${a.begin}\n\nnew line 1\n\n| t |\n\n${a.end}\n\nprose\n\n${b.begin}\n\nold beta\n\n${b.end}\n`);
    // Rewriting (as a run does after every row) leaves one block, not two.
    writeFigures('alpha', ['final'], path);
    expect(readFileSync(path, 'utf8').split(a.begin)).toHaveLength(2);
    expect(readFileSync(path, 'utf8')).toContain(`${a.begin}\n\nfinal\n\n${a.end}`);
  });

  it('missing or swapped markers: throws and leaves the document as it was', () => {
    const { begin, end } = markersOf('alpha');
    for (const text of ['no markers here\n', `${begin}\n`, `${end}\n${begin}\n`]) {
      const path = docWith(text);
      expect(() => writeFigures('alpha', ['x'], path)).toThrow(/lacks the alpha markers/);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  it('docs/RELIABILITY.md has the blocks the stress scripts write', () => {
    const doc = readFileSync(RELIABILITY_DOC, 'utf8');
    for (const name of ['stress', 'property', 'secrets']) {
      const { begin, end } = markersOf(name);
      expect(doc.indexOf(begin), name).toBeGreaterThanOrEqual(0);
      expect(doc.indexOf(end), name).toBeGreaterThan(doc.indexOf(begin));
    }
  });
});
