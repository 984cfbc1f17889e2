/** The application menu: macOS gets its app menu with About, Hide and Quit; other platforms keep Quit in File. */
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../src-main/app/menuTemplate.js';

const roles = (items: MenuItemConstructorOptions[] | undefined) => (items ?? []).map((i) => i.role ?? i.type ?? i.label);

describe('application menu', () => {
  it('on macOS the first menu is the app menu with About, Hide, Hide Others, Show All and Quit', () => {
    const [first, ...rest] = menuTemplate('darwin', 'Custos', () => undefined);
    expect(first?.label).toBe('Custos');
    expect(roles(first?.submenu as MenuItemConstructorOptions[])).toEqual(['about', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(roles(rest)).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('elsewhere there is no app menu (File holds Quit), and the help link opens only the trusted page', () => {
    let opened = 0;
    const template = menuTemplate('linux', 'Custos', () => void (opened += 1));
    expect(roles(template)).toEqual(['fileMenu', 'editMenu', 'View', 'help']);
    const help = (template.at(-1)?.submenu as MenuItemConstructorOptions[])[0];
    (help?.click as () => void)();
    expect(opened).toBe(1);
  });
});
