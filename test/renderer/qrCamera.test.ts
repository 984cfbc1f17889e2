/**
 * The camera loop that the ceremony's step 6 and the restore screen share
 * (src-renderer/qr/cameraLoop.ts). The browser is replaced by a test double,
 * FakeCamera: getUserMedia hands out streams whose tracks record stop(), the
 * <video> is a plain object, and each "frame" is what the decoder would read
 * in it (a QR text or nothing). Real Chromium with a fake capture device runs
 * the same loop end to end in test/e2e/ceremony.e2e.test.ts and restore.e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { CAMERA_UNAVAILABLE, createQrCamera, type CameraStream, type VideoSink } from '../../src-renderer/qr/cameraLoop.js';

class FakeTrack {
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
}
class FakeStream implements CameraStream {
  readonly tracks = [new FakeTrack()];
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
  get live(): boolean {
    return this.tracks.some((t) => !t.stopped);
  }
}
class FakeVideo implements VideoSink {
  srcObject: unknown = null;
  async play(): Promise<void> {}
}

/** The test double for getUserMedia, the <video> and the frame decoder. */
class FakeCamera {
  readonly video = new FakeVideo();
  readonly streams: FakeStream[] = [];
  /** What each frame read shows, in order; past the end, nothing readable. */
  frames: Array<string | null> = [];
  framesRead = 0;
  refuse = false;
  /** When set, getUserMedia waits for release() (a permission prompt still open). */
  private gate: (() => void) | null = null;
  holdOpen(): void {
    this.gate = () => undefined;
  }
  release(): void {
    this.gate?.();
    this.gate = null;
  }
  deps = {
    open: async (): Promise<FakeStream> => {
      if (this.gate) await new Promise<void>((resolve) => (this.gate = resolve));
      if (this.refuse) throw new Error('NotAllowedError');
      const stream = new FakeStream();
      this.streams.push(stream);
      return stream;
    },
    read: (video: FakeVideo): string | null => {
      expect(video.srcObject, 'frames are read from the video the stream was given to').toBe(this.streams.at(-1));
      return this.frames[this.framesRead++] ?? null;
    },
    video: (): FakeVideo | null => this.video,
    intervalMs: 250,
  };
}

let cam: FakeCamera;
let reads: string[];
beforeEach(() => {
  vi.useFakeTimers();
  cam = new FakeCamera();
  reads = [];
});
afterEach(() => {
  vi.useRealTimers();
});
const make = () => createQrCamera(cam.deps, (text) => reads.push(text));

describe('the shared QR camera loop', () => {
  it('reads frames until one holds a QR code, hands over that one reading and turns the camera off first', async () => {
    cam.frames = [null, null, 'academic acid acne', 'academic acid acne'];
    const camera = createQrCamera(cam.deps, (text) => {
      // By the time the reading is handed over the camera is already off.
      expect(camera.active.value).toBe(false);
      expect(cam.streams[0]!.live).toBe(false);
      reads.push(text);
    });
    await camera.start();
    expect(camera.active.value).toBe(true);
    expect(cam.video.srcObject).toBe(cam.streams[0]);
    await vi.advanceTimersByTimeAsync(500);
    expect(cam.framesRead).toBe(2);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(reads).toEqual(['academic acid acne']);
    expect(cam.video.srcObject).toBeNull();
    // The loop ended with the reading: the same sheet still in view is not read again.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cam.framesRead).toBe(3);
    expect(reads).toHaveLength(1);
  });

  it('stop() turns the camera off and no frame is read after it', async () => {
    const camera = make();
    await camera.start();
    await vi.advanceTimersByTimeAsync(750);
    expect(cam.framesRead).toBe(3);
    camera.stop();
    expect(camera.active.value).toBe(false);
    expect(cam.streams[0]!.live).toBe(false);
    expect(cam.video.srcObject).toBeNull();
    cam.frames = Array(100).fill('zero zone');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cam.framesRead).toBe(3);
    expect(reads).toEqual([]);
  });

  it('a refused camera is an error in state, and a later start that works clears it', async () => {
    const camera = make();
    cam.refuse = true;
    await camera.start();
    expect(camera.error.value).toBe(CAMERA_UNAVAILABLE);
    expect(camera.active.value).toBe(false);
    cam.refuse = false;
    await camera.start();
    expect(camera.error.value).toBe('');
    expect(camera.active.value).toBe(true);
  });

  it('start() while the camera is on opens no second stream', async () => {
    const camera = make();
    await camera.start();
    await camera.start();
    expect(cam.streams).toHaveLength(1);
  });

  it('a camera granted after stop() (the screen left while the prompt was open) is turned off at once', async () => {
    const camera = make();
    cam.holdOpen();
    const starting = camera.start();
    camera.stop();
    cam.release();
    await starting;
    expect(cam.streams).toHaveLength(1);
    expect(cam.streams[0]!.live).toBe(false);
    expect(camera.active.value).toBe(false);
    expect(cam.video.srcObject).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cam.framesRead).toBe(0);
  });

  it('created inside a component scope, it turns the camera off when the scope ends (the component unmounts)', async () => {
    const scope = effectScope();
    const camera = scope.run(make)!;
    await camera.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(cam.framesRead).toBe(1);
    scope.stop();
    expect(cam.streams[0]!.live).toBe(false);
    expect(camera.active.value).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cam.framesRead).toBe(1);
  });
});
