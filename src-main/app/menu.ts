import { Menu, type Shell } from 'electron';
import { openTrustedLink } from './security/openExternal.js';

/** A minimal menu; its one external link is a constant (see security/openExternal.ts). */
export function installMenu(shell: Pick<Shell, 'openExternal'>): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
      { role: 'help', submenu: [{ label: 'Acra key management', click: () => void openTrustedLink(shell, 'acra-key-management') }] },
    ]),
  );
}
