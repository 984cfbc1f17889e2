import type { Ref } from 'vue';
import { createQrCamera, FRAME_INTERVAL_MS, type QrCamera } from './cameraLoop';
import { decodeImageFile, decodeVideoFrame } from './decode';

export const NO_QR_IN_IMAGE = 'No QR code could be read in that image. Try a sharper scan, or type the words.';

export interface QrReader extends QrCamera {
  /**
   * The QR text of the image picked in a file input (emptied for the next
   * pick), or null: none picked, or none readable (`error` then says so).
   */
  readImage(event: Event): Promise<string | null>;
}

/**
 * The camera that reads a sheet's QR code, for a component with a <video>
 * element: getUserMedia for the stream, jsQR (decode.ts) for each frame; and
 * the same decoder for a scan picked in the page. Call it in setup: the
 * camera is turned off when the component goes away.
 */
export function useQrCamera(video: Ref<HTMLVideoElement | null>, onRead: (text: string) => void): QrReader {
  const camera = createQrCamera<HTMLVideoElement, MediaStream>(
    {
      open: () => navigator.mediaDevices.getUserMedia({ video: true, audio: false }),
      read: decodeVideoFrame,
      video: () => video.value,
      intervalMs: FRAME_INTERVAL_MS,
    },
    onRead,
  );
  async function readImage(event: Event): Promise<string | null> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return null;
    camera.error.value = '';
    const text = await decodeImageFile(file).catch(() => null);
    if (!text) camera.error.value = NO_QR_IN_IMAGE;
    return text;
  }
  return { ...camera, readImage };
}
