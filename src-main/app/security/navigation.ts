import type { WebContents } from 'electron';
import { originOf } from '../../ipc/origin.js';

export function isAppUrl(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

type NavigationEvent = { preventDefault(): void };
type Contents = Pick<WebContents, 'on'>;

/**
 * The window only ever shows the app's own pages. Any other navigation or
 * redirect (a link, a drag-and-drop, a script setting location) is stopped
 * and not handed to the system browser either: the URL came from the page.
 */
export function guardNavigation(contents: Contents, appOrigin: string): void {
  const stopForeign = (event: NavigationEvent, url: string): void => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', (event, url) => stopForeign(event, url));
  contents.on('will-frame-navigate', (event) => stopForeign(event, event.url));
  contents.on('will-redirect', (event, url) => stopForeign(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
