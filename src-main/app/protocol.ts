import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { securityHeaders } from './security/csp.js';

export const APP_SCHEME = 'custos';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Maps `custos://app/<path>` to a file under `root`, or null. Only the app
 * host, only known file types, and never outside `root` (`..`, encoded
 * slashes and absolute paths all end up null). Unknown paths fall back to
 * index.html so the router's history URLs survive a reload.
 */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  // Encoded dots and slashes decode to `..` segments here: refuse them outright rather than fold them.
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  const relative = normalize(path).replace(/^[/\\]+/, '');
  const file = join(root, relative === '' ? 'index.html' : relative);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  if (!TYPES[extname(file)]) return join(root, 'index.html');
  return file;
}

/** Serves the built renderer with the CSP and hardening headers on every response. */
export async function serveAppFile(root: string, url: string): Promise<Response> {
  const file = resolveAppFile(root, url);
  if (!file) return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
  try {
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: securityHeaders(TYPES[extname(file)] ?? 'application/octet-stream') });
  } catch {
    return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
  }
}
