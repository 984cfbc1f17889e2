import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue';

/**
 * The camera's frame loop, shared by the ceremony's step 6 and the restore
 * screen: open the camera, read a frame a few times a second until one holds a
 * QR code, then stop the camera and hand that one reading over. It touches no
 * DOM itself (the browser parts come in through `CameraDeps`, see
 * useQrCamera.ts), so a test can drive it with a stand-in camera.
 */

/** What the loop needs of a <video> element: where the stream goes, and play(). */
export interface VideoSink {
  srcObject: unknown;
  play(): Promise<void>;
}

/** What the loop needs of a MediaStream: its tracks, to turn the camera off. */
export interface CameraStream {
  getTracks(): ReadonlyArray<{ stop(): void }>;
}

export interface CameraDeps<V extends VideoSink, S extends CameraStream> {
  /** Asks for the camera (getUserMedia); rejects when it is refused or absent. */
  open(): Promise<S>;
  /** The QR text in the video's current frame, or null when none is readable. */
  read(video: V): string | null;
  /** The video element, once it is on the page. */
  video(): V | null;
  /** Time between two frames read, in ms. */
  intervalMs: number;
}

export interface QrCamera {
  /** The camera is open and frames are being read. */
  readonly active: Readonly<Ref<boolean>>;
  /** Why the camera could not be opened ('' when it was, or before a try). */
  readonly error: Ref<string>;
  start(): Promise<void>;
  stop(): void;
}

export const CAMERA_UNAVAILABLE = 'The camera could not be opened. Pick a scan or type the words instead.';

/** A sheet's QR code is read a few times a second: enough to feel immediate, cheap on a busy laptop. */
export const FRAME_INTERVAL_MS = 250;

/**
 * `onRead` gets exactly one reading per start: the camera is off before it is
 * called, so a wrong sheet is not sent again and again while it stays in view.
 * The text is passed on and kept nowhere here.
 */
export function createQrCamera<V extends VideoSink, S extends CameraStream>(deps: CameraDeps<V, S>, onRead: (text: string) => void): QrCamera {
  const active = ref(false);
  const error = ref('');
  let stream: S | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by every start and stop: a getUserMedia answer that arrives after a stop (or
  // after the screen was left) belongs to no one, and its camera is turned off at once.
  let generation = 0;

  function stop(): void {
    generation++;
    clearTimeout(timer);
    timer = undefined;
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    const video = deps.video();
    if (video) video.srcObject = null;
    active.value = false;
  }

  function scan(mine: number): void {
    timer = setTimeout(() => {
      if (mine !== generation) return;
      const video = deps.video();
      const text = video ? deps.read(video) : null;
      if (text) {
        stop();
        onRead(text);
      } else scan(mine);
    }, deps.intervalMs);
  }

  async function start(): Promise<void> {
    if (active.value) return;
    const mine = ++generation;
    error.value = '';
    let opened: S;
    try {
      opened = await deps.open();
    } catch {
      if (mine === generation) error.value = CAMERA_UNAVAILABLE;
      return;
    }
    if (mine !== generation) {
      opened.getTracks().forEach((t) => t.stop());
      return;
    }
    stream = opened;
    active.value = true;
    const video = deps.video();
    if (!video) return;
    video.srcObject = opened;
    await video.play().catch(() => undefined);
    if (mine === generation) scan(mine);
  }

  // Inside a component: the camera goes off with it, whatever state it is in.
  if (getCurrentScope()) onScopeDispose(stop);
  return { active, error, start, stop };
}
