/**
 * QR decoding in the renderer (step 6 of the ceremony: a custodian holds the
 * printed sheet to the camera, or picks a scan). jsQR is pure JavaScript and
 * needs no network, worker or WASM, so the page's CSP stays as it is. The text
 * decoded is handed straight to the caller and kept nowhere here.
 */
import jsQR from 'jsqr';

/** Frames are drawn at most this wide: enough for a sheet's QR code, cheap enough to scan a few times a second. */
const MAX_SIDE = 1280;

function canvasFor(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; w: number; h: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  return { canvas, ctx, w, h };
}

/** The QR code's text in what is drawn from `source`, or null when none is readable. */
function decodeDrawable(source: CanvasImageSource, width: number, height: number): string | null {
  if (width === 0 || height === 0) return null;
  const { canvas, ctx, w, h } = canvasFor(width, height);
  ctx.drawImage(source, 0, 0, w, h);
  const pixels = ctx.getImageData(0, 0, w, h);
  const found = jsQR(pixels.data, w, h, { inversionAttempts: 'dontInvert' });
  // The canvas held an image of the sheet: blank it before it is dropped.
  ctx.clearRect(0, 0, w, h);
  pixels.data.fill(0);
  canvas.width = 0;
  return found && found.data ? found.data : null;
}

/** The current frame of a playing <video> (the camera). */
export function decodeVideoFrame(video: HTMLVideoElement): string | null {
  return decodeDrawable(video, video.videoWidth, video.videoHeight);
}

/** A picked image file (a scan or photo of the sheet); PDFs are not images and are refused by the browser's decoder. */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return decodeDrawable(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
