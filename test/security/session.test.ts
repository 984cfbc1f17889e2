import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../src-main/app/security/csp.js';
import { denyAllPermissions } from '../../src-main/app/security/permissions.js';
import { blockRemoteProtocols, isAllowedRequest } from '../../src-main/app/security/remoteProtocols.js';
import { as, Fake, navEvent } from './fakes.js';

describe('permission handler', () => {
  it('denies every permission request and check, every device, every download', () => {
    const session = new Fake() as Fake & Record<string, unknown>;
    let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, permission: string) => boolean) | undefined;
    let device: ((details: unknown) => boolean) | undefined;
    session['setPermissionRequestHandler'] = (fn: typeof request) => (request = fn);
    session['setPermissionCheckHandler'] = (fn: typeof check) => (check = fn);
    session['setDevicePermissionHandler'] = (fn: typeof device) => (device = fn);
    denyAllPermissions(as<Session>(session));
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb']) {
      const answers: boolean[] = [];
      request?.({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(check?.({}, permission), permission).toBe(false);
    }
    expect(device?.({ deviceType: 'usb' })).toBe(false);
    const download = navEvent();
    session.fire('will-download', download, {}, {});
    expect(download.prevented).toBe(true);
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
