import type { WebContents, WebPreferences } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../src-main/app/protocol.js';
import { guardNavigation, isAppUrl } from '../../src-main/app/security/navigation.js';
import { assertSecurePreferences, secureWebPreferences } from '../../src-main/app/security/windowDefaults.js';
import { denyWindowOpen } from '../../src-main/app/security/windowOpen.js';
import { as, Fake, navEvent } from './fakes.js';

describe('window defaults', () => {
  const prefs = secureWebPreferences({ preload: '/app/dist/preload/preload.cjs', devTools: false });

  it('sandbox and context isolation on, Node off, web security on, no webview', () => {
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: '/app/dist/preload/preload.cjs',
    });
    expect(() => assertSecurePreferences(prefs)).not.toThrow();
  });

  it('the assertion catches each weakened or missing setting', () => {
    const weakened: WebPreferences[] = [
      { ...prefs, sandbox: false },
      { ...prefs, contextIsolation: false },
      { ...prefs, nodeIntegration: true },
      { ...prefs, webSecurity: false },
      { ...prefs, allowRunningInsecureContent: true },
      { ...prefs, webviewTag: true },
      (({ sandbox: _s, ...rest }) => rest)(prefs),
    ];
    for (const p of weakened) expect(() => assertSecurePreferences(p)).toThrow(/insecure web preference/);
  });
});

describe('navigation guard', () => {
  it('knows the app origin from lookalikes', () => {
    expect(isAppUrl('custos://app/index.html#/keys', APP_ORIGIN)).toBe(true);
    for (const url of ['custos://app.evil/x', 'custos://evil/index.html', 'https://app/', 'file:///index.html', 'javascript:alert(1)', 'not a url', 'custos:app']) {
      expect(isAppUrl(url, APP_ORIGIN), url).toBe(false);
    }
  });

  it('prevents navigation and redirects to anything but the app, and every webview', () => {
    const contents = new Fake();
    guardNavigation(as<WebContents>(contents), APP_ORIGIN);
    const cases: Array<[string, string, boolean]> = [
      ['will-navigate', 'https://evil.example/', true],
      ['will-navigate', 'file:///etc/passwd', true],
      ['will-navigate', 'custos://app/index.html#/settings', false],
      ['will-redirect', 'http://127.0.0.1:8080/', true],
      ['will-redirect', 'custos://app/index.html', false],
    ];
    for (const [event, url, blocked] of cases) {
      const e = navEvent();
      contents.fire(event, e, url);
      expect(e.prevented, `${event} ${url}`).toBe(blocked);
    }
    const frame = navEvent('https://evil.example/frame');
    contents.fire('will-frame-navigate', frame);
    expect(frame.prevented).toBe(true);
    const webview = navEvent();
    contents.fire('will-attach-webview', webview, {}, {});
    expect(webview.prevented).toBe(true);
  });
});

describe('window-open denial', () => {
  it('denies every window.open, whatever the URL', () => {
    let handler: ((details: { url: string }) => { action: string }) | undefined;
    denyWindowOpen(as<WebContents>({ setWindowOpenHandler: (fn: typeof handler) => (handler = fn) }));
    for (const url of ['custos://app/index.html', 'https://example.com', 'about:blank']) expect(handler?.({ url })).toEqual({ action: 'deny' });
  });
});
