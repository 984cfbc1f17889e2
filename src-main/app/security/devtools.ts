import type { WebContents } from 'electron';

/**
 * Developer tools only in development: an unpackaged app started with
 * CUSTOS_DEV=1 (what `npm run start:dev` sets). A packaged build never
 * allows them, whatever its environment says.
 */
export function devtoolsAllowed(isPackaged: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return !isPackaged && env['CUSTOS_DEV'] === '1';
}

/** Belt and braces beside `devTools: false`: close them if anything opens them anyway. */
export function enforceDevtools(contents: Pick<WebContents, 'on' | 'closeDevTools'>, allowed: boolean): void {
  if (allowed) return;
  contents.on('devtools-opened', () => contents.closeDevTools());
}
