import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './protocol.js';
import { enforceDevtools } from './security/devtools.js';
import { guardNavigation } from './security/navigation.js';
import { assertSecurePreferences, secureWebPreferences } from './security/windowDefaults.js';
import { denyWindowOpen } from './security/windowOpen.js';

/** The app's one window, with every guard attached before the first page loads. */
export function createMainWindow(options: { preload: string; devTools: boolean }): BrowserWindow {
  const webPreferences = secureWebPreferences(options);
  assertSecurePreferences(webPreferences);
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Custos',
    backgroundColor: '#101418',
    webPreferences,
  });
  const contents = win.webContents;
  guardNavigation(contents, APP_ORIGIN);
  denyWindowOpen(contents);
  enforceDevtools(contents, options.devTools);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
