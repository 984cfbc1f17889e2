import type { App } from 'electron';

/**
 * One running Custos per user: two processes on one keystore would each hold
 * the master key and race on the file. The second instance quits at once and
 * the first is told so it can show its window.
 */
export function ensureSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondInstance);
  return true;
}
