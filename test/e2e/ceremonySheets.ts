/**
 * The printed sheets of a browser-run ceremony, as a test looks at paper:
 * each PDF rasterised by pdftoppm, its QR code found and read (jsQR, as the
 * renderer does), and a short video of it held close to the camera (its QR
 * code filling the frame) for Chromium's fake camera.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { readPnm, readY4mFrame, type Raster, toY4m } from '../helpers/y4m.js';

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

/** How much paper shows around the QR code in the video, as a share of its side on each edge (its quiet zone and a bit of the page). */
const MARGIN = 0.2;
/** The fake camera's frame. */
const FRAME = { width: 640, height: 480 };

type Box = { x: number; y: number; width: number; height: number };

function qrOf(image: Raster, pdf: string): { text: string; side: number; box: Box } {
  const found = jsQR(rgbaOf(image), image.width, image.height);
  if (!found) throw new Error(`no QR code found on ${pdf} rasterised at ${image.width}x${image.height}`);
  const xs = [found.location.topLeftCorner.x, found.location.bottomRightCorner.x, found.location.topRightCorner.x, found.location.bottomLeftCorner.x];
  const ys = [found.location.topLeftCorner.y, found.location.bottomRightCorner.y, found.location.topRightCorner.y, found.location.bottomLeftCorner.y];
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  const side = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0);
  const margin = Math.round(side * MARGIN);
  const x = Math.max(0, Math.round(x0) - margin);
  const y = Math.max(0, Math.round(y0) - margin);
  return { text: found.data, side, box: { x, y, width: Math.min(image.width - x, Math.round(side) + 2 * margin), height: Math.min(image.height - y, Math.round(side) + 2 * margin) } };
}

function rgbaOf(image: Raster): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    rgba[i * 4] = image.rgb[i * 3]!;
    rgba[i * 4 + 1] = image.rgb[i * 3 + 1]!;
    rgba[i * 4 + 2] = image.rgb[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * The sheet held close to the camera: only the QR code and its margin (`box`,
 * found at 100 dpi) rasterised again, at the resolution where they fill the
 * frame's height, so the frame is drawn by pdftoppm at the camera's own size
 * rather than an upscaled 100 dpi page (whose modules came out 3 or 4 pixels
 * wide at random, and one sheet in a few failed jsQR in CI). The frame is
 * then read back as the renderer reads it (jsQR on the picture, not
 * inverted): a video that cannot be read fails here, naming the sheet, not
 * as a camera that never counts it.
 */
function cameraVideo(pdf: string, base: string, box: Box, qrSideAt100: number, words: string): string {
  const scale = FRAME.height / (qrSideAt100 * (1 + 2 * MARGIN));
  const window = [box.x, box.y, box.width, box.height].map((n) => String(Math.round(n * scale)));
  execFileSync('pdftoppm', ['-r', (100 * scale).toFixed(2), '-x', window[0]!, '-y', window[1]!, '-W', window[2]!, '-H', window[3]!, '-f', '1', '-l', '1', '-singlefile', pdf, `${base}-camera`]);
  const video = toY4m(readPnm(readFileSync(`${base}-camera.ppm`)), { ...FRAME, frames: 4 });
  const frame = readY4mFrame(video);
  const read = jsQR(rgbaOf(frame), frame.width, frame.height, { inversionAttempts: 'dontInvert' });
  if (read?.data !== words) throw new Error(`the camera video of ${pdf} does not read back as its QR code`);
  writeFileSync(`${base}.y4m`, video);
  return `${base}.y4m`;
}

/** Every PDF in `folder`, rasterised and read; videos written into `work`. */
export function readSheets(folder: string, work: string): PrintedSheet[] {
  const pdfs = readdirSync(folder).filter((f) => f.endsWith('.pdf')).sort();
  return pdfs.map((name, i) => {
    const pdf = join(folder, name);
    const base = join(work, `sheet-${i + 1}`);
    // The page as the issue asks for it (PNG at 150 dpi), and at 100 dpi to find the QR code.
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
    execFileSync('pdftoppm', ['-r', '100', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
    const { text, side, box } = qrOf(readPnm(readFileSync(`${base}.ppm`)), pdf);
    const y4m = cameraVideo(pdf, base, box, side, text);
    return { pdf, text: execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }), words: text, y4m, png: `${base}.png` };
  });
}
