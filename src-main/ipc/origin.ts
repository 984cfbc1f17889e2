/**
 * `scheme://host[:port]` of a URL, or null. Written out by hand because the
 * WHATWG `URL.origin` of a custom scheme such as custos://app is the string
 * "null", which would make every custom-scheme page look alike.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/** The frame that sent an IPC call, as far as the checks need it. */
export interface Sender {
  url: string;
  isMainFrame: boolean;
}

/** Only the app's own top-level page may call: not an iframe, not another origin. */
export function isAppSender(sender: Sender, appOrigin: string): boolean {
  return sender.isMainFrame && originOf(sender.url) === appOrigin;
}
