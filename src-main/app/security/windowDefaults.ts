import type { WebPreferences } from 'electron';

/**
 * The web preferences of every window. Set explicitly even where Electron's
 * default already agrees, so a future default change or a copied snippet
 * cannot weaken them silently, and so `assertSecurePreferences` has something
 * to check.
 */
export function secureWebPreferences(options: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: options.devTools,
    safeDialogs: true,
    // Middle click would open a new window (denied anyway); switch the feature off at the source.
    disableBlinkFeatures: 'Auxclick',
  };
}

const REQUIRED: Partial<Record<keyof WebPreferences, boolean>> = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
};

/** Throws when any security-relevant preference is missing or weakened. */
export function assertSecurePreferences(prefs: WebPreferences): void {
  for (const [key, value] of Object.entries(REQUIRED)) {
    if (prefs[key as keyof WebPreferences] !== value) throw new Error(`insecure web preference: ${key} must be ${String(value)}`);
  }
}
