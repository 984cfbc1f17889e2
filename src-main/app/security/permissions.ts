import type { Session } from 'electron';
import { originOf } from '../../ipc/origin.js';

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'on'>;

/** Switches the one exception on and off: main opens it for the ceremony's verify step only (ceremony:camera). */
export interface CameraSwitch {
  set(open: boolean): void;
  readonly open: boolean;
}

/**
 * The vault needs no microphone, notifications, clipboard read, geolocation,
 * HID, serial or USB: every such request and check says no, and downloads
 * are refused. (Clipboard writes go through main, see keys:copyPublicPem.)
 * The one exception is the camera (permission 'media', video only, never
 * audio) for the app's own top-level page, and only while the ceremony's
 * verify step has it open: a custodian holds the printed sheet's QR code up
 * to it. Everything else stays denied, the camera included once closed.
 */
export function guardPermissions(session: PermissionSession, appOrigin: string): CameraSwitch {
  let open = false;
  const videoOnly = (types: readonly string[] | undefined) => Array.isArray(types) && types.length > 0 && types.every((t) => t === 'video');
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const d = details as { mediaTypes?: string[]; requestingUrl?: string; isMainFrame?: boolean } | undefined;
    const fromApp = d?.isMainFrame === true && originOf(d.requestingUrl ?? '') === appOrigin && originOf(contents.getURL()) === appOrigin;
    callback(open && permission === 'media' && videoOnly(d?.mediaTypes) && fromApp);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    const d = details as { mediaType?: string; isMainFrame?: boolean } | undefined;
    return open && permission === 'media' && d?.mediaType === 'video' && d.isMainFrame === true && originOf(requestingOrigin) === appOrigin;
  });
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  return {
    set(next) {
      open = next;
    },
    get open() {
      return open;
    },
  };
}
