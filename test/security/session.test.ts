import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../src-main/app/security/csp.js';
import { guardPermissions } from '../../src-main/app/security/permissions.js';
import { blockRemoteProtocols, isAllowedRequest } from '../../src-main/app/security/remoteProtocols.js';
import { as, Fake, navEvent } from './fakes.js';

const APP = 'custos://app';

function permissionSession() {
  const session = new Fake() as Fake & Record<string, unknown>;
  const handlers: {
    request?: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details?: unknown) => void) | undefined;
    check?: ((wc: unknown, permission: string, origin: string, details?: unknown) => boolean) | undefined;
    device?: ((details: unknown) => boolean) | undefined;
  } = {};
  session['setPermissionRequestHandler'] = (fn: typeof handlers.request) => (handlers.request = fn);
  session['setPermissionCheckHandler'] = (fn: typeof handlers.check) => (handlers.check = fn);
  session['setDevicePermissionHandler'] = (fn: typeof handlers.device) => (handlers.device = fn);
  const camera = guardPermissions(as<Session>(session), APP);
  const page = (url: string) => ({ getURL: () => url });
  const ask = (permission: string, details: Record<string, unknown>, url = `${APP}/index.html#/ceremony`) => {
    const answers: boolean[] = [];
    handlers.request?.(page(url), permission, (granted) => answers.push(granted), { requestingUrl: url, isMainFrame: true, ...details });
    return answers;
  };
  const check = (permission: string, origin: string, details: Record<string, unknown>) => handlers.check?.(page(`${APP}/index.html`), permission, origin, { isMainFrame: true, ...details });
  return { session, handlers, camera, ask, check };
}

const OTHERS = ['geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'midi', 'pointerLock'];

describe('permission handler', () => {
  it('while the camera step is closed: denies every permission request and check (media included), every device, every download', () => {
    const { session, handlers, camera, ask, check } = permissionSession();
    expect(camera.open).toBe(false);
    for (const permission of ['media', ...OTHERS]) {
      expect(ask(permission, { mediaTypes: ['video'] }), permission).toEqual([false]);
      expect(check(permission, APP, { mediaType: 'video' }), permission).toBe(false);
    }
    expect(handlers.device?.({ deviceType: 'usb' })).toBe(false);
    const download = navEvent();
    session.fire('will-download', download, {}, {});
    expect(download.prevented).toBe(true);
  });

  it("while it is open: grants the camera (video only) to the app's own top-level page, and nothing else to anyone", () => {
    const { camera, ask, check } = permissionSession();
    camera.set(true);
    expect(ask('media', { mediaTypes: ['video'] })).toEqual([true]);
    expect(check('media', APP, { mediaType: 'video' })).toBe(true);
    // No microphone, alone or with the camera; no unknown media type.
    expect(ask('media', { mediaTypes: ['audio'] })).toEqual([false]);
    expect(ask('media', { mediaTypes: ['video', 'audio'] })).toEqual([false]);
    expect(ask('media', { mediaTypes: [] })).toEqual([false]);
    expect(check('media', APP, { mediaType: 'audio' })).toBe(false);
    expect(check('media', APP, { mediaType: 'unknown' })).toBe(false);
    // Another origin, an iframe, a look-alike scheme: no.
    expect(ask('media', { mediaTypes: ['video'] }, 'https://evil.example/')).toEqual([false]);
    expect(ask('media', { mediaTypes: ['video'], isMainFrame: false })).toEqual([false]);
    expect(ask('media', { mediaTypes: ['video'] }, 'custos://app.evil/index.html')).toEqual([false]);
    expect(check('media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    expect(check('media', APP, { mediaType: 'video', isMainFrame: false })).toBe(false);
    for (const permission of OTHERS) {
      expect(ask(permission, { mediaTypes: ['video'] }), permission).toEqual([false]);
      expect(check(permission, APP, { mediaType: 'video' }), permission).toBe(false);
    }
    // Closed again: the camera is denied like everything else.
    camera.set(false);
    expect(ask('media', { mediaTypes: ['video'] })).toEqual([false]);
    expect(check('media', APP, { mediaType: 'video' })).toBe(false);
  });
});

describe('remote protocols', () => {
  it('cancels everything that is not the app scheme (or devtools/data)', () => {
    for (const url of ['https://example.com/', 'http://127.0.0.1/', 'ws://host/', 'wss://host/', 'ftp://host/', 'file:///etc/passwd', 'blob:https://x/1', 'nonsense']) {
      expect(isAllowedRequest(url), url).toBe(false);
    }
    for (const url of ['custos://app/index.html', 'custos://app/assets/index.js', 'data:image/png;base64,AA==', 'devtools://devtools/bundled/x.html']) {
      expect(isAllowedRequest(url), url).toBe(true);
    }
  });

  it('is installed on the session request filter', () => {
    let filter: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    blockRemoteProtocols(as<Session>({ webRequest: { onBeforeRequest: (fn: typeof filter) => (filter = fn) } }));
    const answers: boolean[] = [];
    filter?.({ url: 'https://exfil.example/?k=1' }, (r) => answers.push(r.cancel));
    filter?.({ url: 'custos://app/index.html' }, (r) => answers.push(r.cancel));
    expect(answers).toEqual([true, false]);
  });
});

describe('CSP', () => {
  it("allows scripts and styles only from 'self', no inline, no eval, no network, no framing", () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'none'",
      'object-src': "'none'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('is sent on every response with nosniff', () => {
    expect(securityHeaders('text/html')).toMatchObject({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/html' });
  });
});
