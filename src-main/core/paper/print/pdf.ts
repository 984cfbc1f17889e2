import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CustosError } from '../../../../shared/errors.js';
import { PAPER, type PaperSize } from '../sheet/style.js';

/** Flags for a Chromium that must not reach any network while share words are in it. */
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--no-first-run',
  '--no-default-browser-check',
  '--disk-cache-size=1',
];

/**
 * Renders each HTML document to a PDF (A4 unless `options.paper` says otherwise; a sheet's CSS @page size wins) in a system Chromium driven by
 * playwright-core: one browser, a fresh profile in a temporary folder that
 * is deleted afterwards, and every network request aborted (a sheet loads
 * nothing; anything it tried to load would be a leak).
 */
export async function renderPdfs(htmls: readonly string[], chromiumPath: string, onSheet?: (done: number) => void, options: { paper?: PaperSize } = {}): Promise<Buffer[]> {
  const profile = mkdtempSync(join(tmpdir(), 'custos-print-'));
  let context: BrowserContext | null = null;
  try {
    // Imported here: playwright-core alone takes most of a second to load.
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: ARGS, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = context.pages()[0] ?? (await context.newPage());
    const pdfs: Buffer[] = [];
    for (const html of htmls) {
      await page.setContent(html, { waitUntil: 'load' });
      pdfs.push(await page.pdf({ format: PAPER[options.paper ?? 'a4'].chromium, printBackground: true, preferCSSPageSize: true }));
      onSheet?.(pdfs.length);
    }
    await page.setContent('<!doctype html><title>done</title>');
    return pdfs;
  } catch (error) {
    if (error instanceof CustosError) throw error;
    throw new CustosError('PDF_RENDER_FAILED', `Chromium could not print the sheets: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}
