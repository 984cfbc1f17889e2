/**
 * The printed sheets of a browser-run ceremony, as a test looks at paper:
 * each PDF rasterised by pdftoppm, its QR code found and read (jsQR, as the
 * renderer does), and a short video of it held close to the camera (its QR
 * code filling the frame) for Chromium's fake camera.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { readPnm, type Raster, writeY4mFromPnm } from '../helpers/y4m.js';

// jsqr is CommonJS whose module.exports is the function (with .default too); NodeNext types see only the namespace.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

export interface PrintedSheet {
  pdf: string;
  /** pdftotext of the sheet. */
  text: string;
  /** What its QR code says (the words): the test needs them to type one sheet back. */
  words: string;
  /** The fake-camera video of this sheet. */
  y4m: string;
  /** Its page at 150 dpi (a scan). */
  png: string;
}

function qrOf(image: Raster): { text: string; box: { x: number; y: number; width: number; height: number } } {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    rgba[i * 4] = image.rgb[i * 3]!;
    rgba[i * 4 + 1] = image.rgb[i * 3 + 1]!;
    rgba[i * 4 + 2] = image.rgb[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  const found = jsQR(rgba, image.width, image.height);
  if (!found) throw new Error('no QR code on the sheet');
  const xs = [found.location.topLeftCorner.x, found.location.bottomRightCorner.x, found.location.topRightCorner.x, found.location.bottomLeftCorner.x];
  const ys = [found.location.topLeftCorner.y, found.location.bottomRightCorner.y, found.location.topRightCorner.y, found.location.bottomLeftCorner.y];
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  const side = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0);
  // The sheet held close: the QR code and a margin of paper around it (the quiet zone and a bit of the page).
  const margin = Math.round(side * 0.35);
  const x = Math.max(0, Math.round(x0) - margin);
  const y = Math.max(0, Math.round(y0) - margin);
  return { text: found.data, box: { x, y, width: Math.min(image.width - x, Math.round(side) + 2 * margin), height: Math.min(image.height - y, Math.round(side) + 2 * margin) } };
}

/** Every PDF in `folder`, rasterised and read; videos written into `work`. */
export function readSheets(folder: string, work: string): PrintedSheet[] {
  const pdfs = readdirSync(folder).filter((f) => f.endsWith('.pdf')).sort();
  return pdfs.map((name, i) => {
    const pdf = join(folder, name);
    const base = join(work, `sheet-${i + 1}`);
    // The page as the issue asks for it (PNG at 150 dpi), and a PPM for the video.
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
    execFileSync('pdftoppm', ['-r', '100', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
    const image = readPnm(readFileSync(`${base}.ppm`));
    const { text, box } = qrOf(image);
    writeY4mFromPnm(`${base}.ppm`, `${base}.y4m`, { width: 640, height: 480, crop: box, frames: 4 });
    return { pdf, text: execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }), words: text, y4m: `${base}.y4m`, png: `${base}.png` };
  });
}
