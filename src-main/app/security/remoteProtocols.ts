import type { Session } from 'electron';

/** Schemes the app may load. Everything else (http, https, ws, ftp, file, …) is cancelled. */
const ALSO_ALLOWED = new Set(['devtools:', 'data:']);

export function isAllowedRequest(url: string, appScheme = 'custos:'): boolean {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  return protocol === appScheme || ALSO_ALLOWED.has(protocol);
}

/**
 * Cancels every request to a remote or file scheme before it leaves: an
 * air-gapped vault has nothing to fetch, and a request that cannot leave
 * cannot exfiltrate either.
 */
export function blockRemoteProtocols(session: Pick<Session, 'webRequest'>, appScheme = 'custos:'): void {
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url, appScheme) }));
}
