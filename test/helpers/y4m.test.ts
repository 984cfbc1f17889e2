import { describe, expect, it } from 'vitest';
import { readPnm, readY4mFrame, toY4m } from './y4m.js';

const ppm = (w: number, h: number, rgb: number[]) => Buffer.concat([Buffer.from(`P6\n# made by a test\n${w} ${h}\n255\n`), Buffer.from(rgb)]);

describe('still image → YUV4MPEG2 for the fake camera', () => {
  it('reads a PPM with a comment, and a PGM as grey RGB', () => {
    expect(readPnm(ppm(2, 1, [255, 0, 0, 0, 0, 255]))).toEqual({ width: 2, height: 1, rgb: Uint8Array.from([255, 0, 0, 0, 0, 255]) });
    expect(readPnm(Buffer.concat([Buffer.from('P5 2 1 255\n'), Buffer.from([7, 200])])).rgb).toEqual(Uint8Array.from([7, 7, 7, 200, 200, 200]));
    expect(() => readPnm(Buffer.from('P3\n1 1\n255\n0 0 0'))).toThrow(/not a binary/);
  });
  it('writes the header, then frames of Y then quarter-size U and V planes; scaled to fit, padded white', () => {
    // A 2x2 black image in a 4x2 frame: scaled 1:1, centred, white columns either side.
    const out = toY4m(readPnm(ppm(2, 2, Array(12).fill(0))), { width: 4, height: 2, frames: 3 });
    const header = 'YUV4MPEG2 W4 H2 F10:1 Ip A1:1 C420jpeg\n';
    expect(out.subarray(0, header.length).toString()).toBe(header);
    const frame = 6 + 8 + 2 + 2;
    expect(out.length).toBe(header.length + 3 * frame);
    const first = out.subarray(header.length, header.length + frame);
    expect(first.subarray(0, 6).toString()).toBe('FRAME\n');
    expect([...first.subarray(6, 14)]).toEqual([255, 0, 0, 255, 255, 0, 0, 255]);
    // Neutral chroma for grey pixels.
    expect([...first.subarray(14)]).toEqual([128, 128, 128, 128]);
    expect(() => toY4m(readPnm(ppm(1, 1, [0, 0, 0])), { width: 3, height: 2 })).toThrow(/even/);
  });
  it('scales a larger image down to fit, nearest pixel, padded white', () => {
    // 4x2, each row black, black, white, white, into a 2x2 frame: halved to 2x1 (black, white), a white row below.
    const row = [0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255];
    const image = readPnm(ppm(4, 2, [...row, ...row]));
    const out = toY4m(image, { width: 2, height: 2, frames: 1 });
    const y = out.subarray(out.indexOf('FRAME\n') + 6, out.indexOf('FRAME\n') + 10);
    expect([...y]).toEqual([0, 255, 255, 255]);
  });
  it('reads the first frame back as grey from its luma, and refuses what is no video or a partial frame', () => {
    // A 4x2 video of two different frames: the first one's luma is 0..7, the second one's all 200.
    const header = Buffer.from('YUV4MPEG2 W4 H2 F10:1 Ip A1:1 C420jpeg\n');
    const frameOf = (luma: number[]) => Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.from([128, 128, 128, 128])]);
    const video = Buffer.concat([header, frameOf([0, 1, 2, 3, 4, 5, 6, 7]), frameOf(Array(8).fill(200))]);
    const frame = readY4mFrame(video);
    expect(frame.width).toBe(4);
    expect(frame.height).toBe(2);
    expect([...frame.rgb]).toEqual([0, 1, 2, 3, 4, 5, 6, 7].flatMap((y) => [y, y, y]));
    // What toY4m writes reads back as its own luma plane.
    const out = toY4m(readPnm(ppm(2, 1, [0, 0, 0, 255, 255, 255])), { width: 2, height: 2, frames: 2 });
    const luma = out.subarray(out.indexOf('FRAME\n') + 6, out.indexOf('FRAME\n') + 10);
    expect([...readY4mFrame(out).rgb].filter((_, i) => i % 3 === 1)).toEqual([...luma]);
    expect(() => readY4mFrame(Buffer.from('P6 1 1 255\n000'))).toThrow(/not a YUV4MPEG2/);
    const first = header.length + 6 + 8 + 4;
    expect(() => readY4mFrame(video.subarray(0, first))).not.toThrow();
    expect(() => readY4mFrame(video.subarray(0, first - 1))).toThrow(/no whole frame/);
    expect(() => readY4mFrame(Buffer.concat([header, Buffer.from('FRAME')]))).toThrow(/no whole frame/);
  });
});
