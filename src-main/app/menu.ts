import { app, Menu, type Shell } from 'electron';
import { menuTemplate } from './menuTemplate.js';
import { openTrustedLink } from './security/openExternal.js';

/** The application menu (see menuTemplate.ts); its one external link is a constant (see security/openExternal.ts). */
export function installMenu(shell: Pick<Shell, 'openExternal'>): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, app.name, () => void openTrustedLink(shell, 'acra-key-management'))));
}
