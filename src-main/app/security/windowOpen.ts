import type { WebContents } from 'electron';

/** No page may open a window (window.open, target=_blank, middle click): always denied, never passed to the OS. */
export function denyWindowOpen(contents: Pick<WebContents, 'setWindowOpenHandler'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
