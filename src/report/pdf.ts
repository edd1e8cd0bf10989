import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import puppeteer, { type Browser, type HTTPRequest } from 'puppeteer-core';

import { SynganError } from '../core/errors';
import { writeFileAtomic } from '../core/files';

/** Debian's Chromium; `SYNGAN_CHROMIUM` or `chromiumPath` choose another executable. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface PrintPdfOptions {
  /** Chromium executable; default `SYNGAN_CHROMIUM`, else `/usr/bin/chromium`. */
  chromiumPath?: string;
  /** Limit for starting Chromium, loading the page, drawing the charts and printing, each (default 120000 ms). */
  timeoutMs?: number;
  /** Receives warnings: blocked requests and charts that failed to draw (default `console.warn`). */
  log?: (message: string) => void;
}

export interface PrintPdfResult {
  pdfPath: string;
  /** Pages in the PDF, counted from its page objects. */
  pageCount: number;
  /** URLs of the requests the page made and the printer blocked. */
  blockedRequests: string[];
  /** Charts that failed to draw (their static fallback, if any, was printed instead). */
  plotErrors: string[];
  elapsedMs: number;
}

/** Page margins of the PDF; the footer with the page numbers sits in the bottom margin. */
const MARGIN_MM = { top: 18, bottom: 20, left: 16, right: 16 };
const A4_WIDTH_MM = 210;
const A4_HEIGHT_MM = 297;
const CSS_PX_PER_MM = 96 / 25.4;

/** Blocked requests logged one by one; later ones are only counted. */
const MAX_LOGGED_BLOCKED_REQUESTS = 10;

const FOOTER_TEMPLATE =
  '<div style="width:100%;font-size:8pt;font-family:\'DejaVu Serif\',serif;color:#555;text-align:center;">' +
  '<span class="pageNumber"></span> / <span class="totalPages"></span></div>';

/**
 * Prints a report HTML file to an A4 PDF with headless Chromium (through puppeteer-core), with
 * page numbers in the footer. Every network request is blocked: only `data:` URLs and the HTML
 * file itself load. Printing starts when the page sets `window.__syngan_ready` (all charts
 * drawn). The PDF is written atomically. Throws a SynganError when Chromium is missing, the page
 * does not load, or the charts are not drawn within `timeoutMs`.
 */
export async function printPdf(htmlPath: string, pdfPath: string, options: PrintPdfOptions = {}): Promise<PrintPdfResult> {
  const startMs = Date.now();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const log = options.log ?? ((message: string) => console.warn(message));
  const executablePath = resolveChromium(options.chromiumPath);

  const htmlFile = path.resolve(htmlPath);
  if (!fs.existsSync(htmlFile)) {
    throw new SynganError(`Report HTML not found: ${htmlFile}`, { hint: 'Render the report first (renderReport, then writeReport).' });
  }
  if (!/\.html?$/i.test(htmlFile)) {
    // Chromium takes the type of a local file from its extension and shows other files as text.
    throw new SynganError(`Report HTML ${htmlFile} does not end in .html, so Chromium would not load it as HTML.`, {
      hint: 'Save the report with an .html extension.',
    });
  }
  const pageUrl = pathToFileURL(htmlFile).href;

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-chromium-'));
  const blockedRequests: string[] = [];
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(executablePath, userDataDir, timeoutMs);
    const page = await browser.newPage();
    page.setDefaultTimeout(timeoutMs);

    page.on('pageerror', (error: unknown) => {
      log(`printPdf: script error in the report page: ${error instanceof Error ? error.message : String(error)}`);
    });
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      const url = request.url();
      if (url.startsWith('data:') || url.split('#')[0] === pageUrl) {
        // A request can be cancelled by the page before it is resolved; that is no error here.
        request.continue().catch(() => undefined);
        return;
      }
      blockedRequests.push(url);
      if (blockedRequests.length <= MAX_LOGGED_BLOCKED_REQUESTS) log(`printPdf: blocked a network request from the report page: ${url}`);
      request.abort('blockedbyclient').catch(() => undefined);
    });

    // Lay the page out at the printed column width, so charts are drawn at the size they print.
    const contentWidthMm = A4_WIDTH_MM - MARGIN_MM.left - MARGIN_MM.right;
    const contentHeightMm = A4_HEIGHT_MM - MARGIN_MM.top - MARGIN_MM.bottom;
    await page.setViewport({ width: Math.floor(contentWidthMm * CSS_PX_PER_MM), height: Math.floor(contentHeightMm * CSS_PX_PER_MM) });
    await page.emulateMediaType('print');

    try {
      await page.goto(pageUrl, { waitUntil: 'load', timeout: timeoutMs });
    } catch (error) {
      throw new SynganError(`Chromium could not load ${htmlFile}: ${(error as Error).message}`, {
        hint: 'Open the HTML file in a browser to check it, or raise timeoutMs for a very large report.',
        cause: error,
      });
    }

    try {
      await page.waitForFunction('window.__syngan_ready === true', { timeout: timeoutMs });
    } catch (error) {
      throw new SynganError(`Drawing the charts in ${htmlFile} timed out after ${timeoutMs} ms.`, {
        hint: 'The page must set window.__syngan_ready = true; pages rendered by renderReport do. Raise timeoutMs for many large charts.',
        cause: error,
      });
    }

    const plotErrors = (await page.evaluate('window.__syngan_plot_errors || []')) as string[];
    for (const message of plotErrors) log(`printPdf: a chart failed to draw, its fallback is printed: ${message}`);
    if (blockedRequests.length > MAX_LOGGED_BLOCKED_REQUESTS) {
      log(`printPdf: blocked ${blockedRequests.length} network requests in total`);
    }

    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER_TEMPLATE,
      margin: {
        top: `${MARGIN_MM.top}mm`,
        bottom: `${MARGIN_MM.bottom}mm`,
        left: `${MARGIN_MM.left}mm`,
        right: `${MARGIN_MM.right}mm`,
      },
      outline: true,
      tagged: true,
      timeout: timeoutMs,
    });

    writeFileAtomic(pdfPath, pdf);
    return {
      pdfPath,
      pageCount: countPdfPages(pdf),
      blockedRequests,
      plotErrors,
      elapsedMs: Date.now() - startMs,
    };
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** Returns the Chromium executable to use; throws a SynganError with the install command when it is missing. */
export function resolveChromium(chromiumPath?: string): string {
  const fromEnv = process.env.SYNGAN_CHROMIUM;
  let executable = DEFAULT_CHROMIUM_PATH;
  let source = 'the default path';
  if (chromiumPath) {
    executable = chromiumPath;
    source = 'chromiumPath';
  } else if (fromEnv) {
    executable = fromEnv;
    source = 'SYNGAN_CHROMIUM';
  }
  try {
    fs.accessSync(executable, fs.constants.X_OK);
  } catch {
    throw new SynganError(`Chromium not found at ${executable} (from ${source}); the PDF report needs it.`, {
      hint: 'Install it with: apt-get update && apt-get install -y --no-install-recommends chromium, or set SYNGAN_CHROMIUM to a Chromium executable.',
    });
  }
  return executable;
}

async function launchChromium(executablePath: string, userDataDir: string, timeoutMs: number): Promise<Browser> {
  try {
    return await puppeteer.launch({
      executablePath,
      headless: true,
      // A pipe instead of a debugging port, so the browser listens on no port.
      pipe: true,
      userDataDir,
      timeout: timeoutMs,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Second guard behind request interception: no host name resolves.
        '--host-resolver-rules=MAP * ~NOTFOUND',
      ],
    });
  } catch (error) {
    throw new SynganError(`Chromium at ${executablePath} failed to start: ${(error as Error).message}`, {
      hint: 'Check that it runs: chromium --headless --no-sandbox --dump-dom about:blank. Set SYNGAN_CHROMIUM to use another executable.',
      cause: error,
    });
  }
}

/** Counts `/Type /Page` objects in a PDF. Chromium (checked with 156) writes one per page, uncompressed. */
export function countPdfPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
