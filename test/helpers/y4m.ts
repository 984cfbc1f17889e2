/**
 * A still image turned into a short YUV4MPEG2 video, for Chromium's fake camera
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>.y4m`).
 * Chromium loops the file, so a few identical frames are a sheet held still in
 * front of the camera. Input is a binary PPM (P6) or PGM (P5), which is what
 * `pdftoppm` writes without `-png`; no image library is needed.
 */

export interface Raster {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel, rows top to bottom. */
  rgb: Uint8Array;
}

/** Parses a binary PPM (P6) or PGM (P5) with maxval 255. */
export function readPnm(bytes: Uint8Array): Raster {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
      if (bytes[pos] !== 0x23) break; // '#': a comment runs to the end of the line
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
    return Buffer.from(bytes.subarray(start, pos)).toString('latin1');
  };
  const magic = token();
  if (magic !== 'P6' && magic !== 'P5') throw new Error(`not a binary PPM/PGM (${magic})`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (maxval !== 255) throw new Error(`maxval ${maxval} is not supported`);
  pos++; // the single whitespace byte before the samples
  const channels = magic === 'P6' ? 3 : 1;
  const data = bytes.subarray(pos, pos + width * height * channels);
  if (data.length !== width * height * channels) throw new Error('truncated image');
  if (channels === 3) return { width, height, rgb: Uint8Array.from(data) };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.fill(data[i]!, i * 3, i * 3 + 3);
  return { width, height, rgb };
}

export interface FrameOptions {
  /** The frame size (even numbers; 4:2:0 halves both). The image is scaled to fit and centred on white. */
  width: number;
  height: number;
  /** How many identical frames (Chromium loops them). */
  frames?: number;
}

/** RGB raster → YUV4MPEG2 bytes (C420jpeg: full-range BT.601, centred chroma). */
export function toY4m(image: Raster, options: FrameOptions): Buffer {
  const { width: W, height: H } = options;
  if (W % 2 || H % 2) throw new Error('frame width and height must be even');
  const scale = Math.min(W / image.width, H / image.height);
  const drawnW = Math.floor(image.width * scale);
  const drawnH = Math.floor(image.height * scale);
  const offX = Math.floor((W - drawnW) / 2);
  const offY = Math.floor((H - drawnH) / 2);
  const rgbAt = (fx: number, fy: number): [number, number, number] => {
    const dx = fx - offX;
    const dy = fy - offY;
    if (dx < 0 || dy < 0 || dx >= drawnW || dy >= drawnH) return [255, 255, 255];
    // Nearest neighbour keeps QR modules crisp; a camera blurs more than this anyway.
    const sx = Math.min(image.width - 1, Math.floor(dx / scale));
    const sy = Math.min(image.height - 1, Math.floor(dy / scale));
    const i = (sy * image.width + sx) * 3;
    return [image.rgb[i]!, image.rgb[i + 1]!, image.rgb[i + 2]!];
  };
  const y = Buffer.alloc(W * H);
  const u = Buffer.alloc((W / 2) * (H / 2));
  const v = Buffer.alloc((W / 2) * (H / 2));
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
  for (let fy = 0; fy < H; fy++) {
    for (let fx = 0; fx < W; fx++) {
      const [r, g, b] = rgbAt(fx, fy);
      y[fy * W + fx] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
      if (fx % 2 === 0 && fy % 2 === 0) {
        const c = (fy / 2) * (W / 2) + fx / 2;
        u[c] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        v[c] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  return Buffer.concat([header, ...Array.from({ length: options.frames ?? 5 }, () => frame)]);
}

/** The first frame of a YUV4MPEG2 video, as a grey picture of its luma (what a reader of black print on white sees). */
export function readY4mFrame(video: Uint8Array): Raster {
  const bytes = Buffer.from(video.buffer, video.byteOffset, video.byteLength);
  const header = bytes.subarray(0, bytes.indexOf(0x0a)).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)?.[1]);
  const height = Number(/ H(\d+)/.exec(header)?.[1]);
  if (!header.startsWith('YUV4MPEG2 ') || !width || !height) throw new Error('not a YUV4MPEG2 video');
  const frame = bytes.indexOf('FRAME', header.length);
  const end = frame < 0 ? -1 : bytes.indexOf(0x0a, frame);
  const start = end + 1;
  // A 4:2:0 frame: the luma plane, then two chroma planes of a quarter of its size each.
  if (end < 0 || start + (width * height * 3) / 2 > bytes.length) throw new Error('no whole frame in the video');
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.fill(bytes[start + i]!, i * 3, i * 3 + 3);
  return { width, height, rgb };
}
