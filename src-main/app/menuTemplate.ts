import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu as data (no Electron import, so it is tested in plain
 * Node). macOS puts the application's own menu first, holding About, Hide and
 * Quit: without it Cmd-Q, Cmd-H and "About Custos" do nothing there.
 */
export function menuTemplate(platform: NodeJS.Platform, appName: string, openAcraDocs: () => void): MenuItemConstructorOptions[] {
  const macApp: MenuItemConstructorOptions[] =
    platform === 'darwin'
      ? [
          {
            label: appName,
            submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
          },
        ]
      : [];
  return [
    ...macApp,
    // On macOS the File menu's last item is Close (Quit lives in the app menu); elsewhere it is Quit.
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    ...(platform === 'darwin' ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []),
    { role: 'help', submenu: [{ label: 'Acra key management', click: openAcraDocs }] },
  ];
}
