import type { App } from 'electron';

/**
 * Sandboxes every renderer process the app ever creates, including any window
 * a future change forgets to configure. Must run before `ready`.
 */
export function enableSandboxEverywhere(app: Pick<App, 'enableSandbox' | 'isReady'>): void {
  if (app.isReady()) throw new Error('app.enableSandbox() must be called before the app is ready');
  app.enableSandbox();
}
