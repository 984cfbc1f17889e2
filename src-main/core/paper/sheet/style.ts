/** The paper sizes sheets are printed on: ISO A4 (595x842 pt) or US Letter (612x792 pt). */
export const PAPER_SIZES = ['a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** The CSS @page size and Chromium's / CUPS's names for each paper size. */
export const PAPER = { a4: { css: 'A4', chromium: 'A4', cups: 'A4' }, letter: { css: 'letter', chromium: 'Letter', cups: 'Letter' } } as const;

const SHEET_BODY_CSS = `
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #000; background: #fff; margin: 0; font-size: 10.5pt; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 0 0 2mm; text-transform: uppercase; letter-spacing: .05em; }
.secret { border: 1.5pt solid #000; padding: 2mm 3mm; font-weight: bold; margin: 0 0 3mm; }
dl { display: grid; grid-template-columns: 28mm 1fr; gap: .8mm 3mm; margin: 0 0 3mm; }
dt { font-weight: bold; }
dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; }
main { display: grid; grid-template-columns: 1fr 64mm; gap: 6mm; align-items: start; }
ol.words { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(3, 1fr); gap: 1.2mm 3mm; }
ol.words li { border: .75pt solid #000; padding: 1mm 2mm; display: flex; gap: 2mm; align-items: baseline; }
ol.words .n { font-size: 9pt; width: 6mm; text-align: right; color: #333; }
ol.words .w { font-family: "DejaVu Sans Mono", monospace; font-size: 13.5pt; font-weight: bold; letter-spacing: .04em; }
.qr svg { width: 64mm; height: 64mm; display: block; }
footer { margin-top: 4mm; border-top: 1pt solid #000; padding-top: 2mm; font-size: 9pt; }
footer ol { margin: 0; padding-left: 5mm; }
code { font-family: "DejaVu Sans Mono", monospace; }
`;

/** Print styles for a sheet: large monospace words, numbered, that a person can copy by hand. */
export function sheetCss(paper: PaperSize): string {
  return `@page { size: ${PAPER[paper].css}; margin: 12mm 14mm; }${SHEET_BODY_CSS}`;
}
