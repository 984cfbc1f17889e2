import type { Ref } from 'vue';
import { createQrCamera, FRAME_INTERVAL_MS, type QrCamera } from './cameraLoop';
import { decodeVideoFrame } from './decode';

/**
 * The camera that reads a sheet's QR code, for a component with a <video>
 * element: getUserMedia for the stream, jsQR (decode.ts) for each frame. Call
 * it in setup: the camera is turned off when the component goes away.
 */
export function useQrCamera(video: Ref<HTMLVideoElement | null>, onRead: (text: string) => void): QrCamera {
  return createQrCamera<HTMLVideoElement, MediaStream>(
    {
      open: () => navigator.mediaDevices.getUserMedia({ video: true, audio: false }),
      read: decodeVideoFrame,
      video: () => video.value,
      intervalMs: FRAME_INTERVAL_MS,
    },
    onRead,
  );
}
