import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppFile, serveAppFile } from '../../src-main/app/protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/app/security/csp.js';
import { tempDir } from '../helpers/tmp.js';

describe('the custos:// protocol handler', () => {
  const root = '/opt/custos/dist/renderer';

  it('maps app URLs into the renderer folder only', () => {
    expect(resolveAppFile(root, 'custos://app/')).toBe(`${root}/index.html`);
    expect(resolveAppFile(root, 'custos://app/assets/index-1.js')).toBe(`${root}/assets/index-1.js`);
    expect(resolveAppFile(root, 'custos://app/keys')).toBe(`${root}/index.html`);
    expect(resolveAppFile(root, 'custos://app/assets/..%2f..%2f..%2fetc%2fpasswd.js')).toBeNull();
    expect(resolveAppFile(root, 'custos://other/index.html')).toBeNull();
    for (const url of [
      'custos://app/../../etc/passwd',
      'custos://app/%2e%2e/%2e%2e/etc/passwd.js',
      'custos://app/assets/..%2f..%2f..%2fetc%2fpasswd.js',
      'custos://app/a%5c..%5c..%5cx.js',
      'custos://app/x%00.js',
      'custos://other/index.html',
      'https://app/index.html',
      'custos://app/%E0%A4%A',
    ]) {
      const file = resolveAppFile(root, url);
      // Refused, or (where the URL parser already folded `..` away) still inside the renderer folder.
      expect(file === null || (file.startsWith(`${root}/`) && !file.includes('..')), `${url} -> ${String(file)}`).toBe(true);
    }
  });

  it('serves files with the CSP header, and 404 with it too', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'assets', 'a.js'), 'export {}');
    const page = await serveAppFile(dir, 'custos://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>t</title>');
    const script = await serveAppFile(dir, 'custos://app/assets/a.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const missing = await serveAppFile(dir, 'custos://app/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await serveAppFile(dir, 'custos://evil/index.html')).status).toBe(404);
  });
});
