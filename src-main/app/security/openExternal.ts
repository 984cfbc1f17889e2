import type { Shell } from 'electron';

/**
 * The only addresses the app ever opens in the system browser. They are
 * constants chosen here; no channel, handler or event takes a URL from the
 * renderer, so a compromised page cannot use the OS to open anything.
 */
export const TRUSTED_LINKS = {
  'acra-key-management': 'https://docs.cossacklabs.com/acra/security-controls/key-management/',
} as const;

export type TrustedLink = keyof typeof TRUSTED_LINKS;

export function openTrustedLink(shell: Pick<Shell, 'openExternal'>, link: TrustedLink): Promise<void> {
  if (!Object.hasOwn(TRUSTED_LINKS, link)) return Promise.reject(new Error('not a trusted link'));
  return shell.openExternal(TRUSTED_LINKS[link]);
}
