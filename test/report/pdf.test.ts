import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import puppeteer from 'puppeteer-core';

import { SynganError } from '../../src/core/errors';
import { printPdf, resolveChromium, writeReport, type PrintPdfResult } from '../../src/report';
import { renderFixtureReport } from './helpers';
import { makeTempDir } from '../temp-dir';

// These tests drive the real Chromium (apt-get install chromium) and read the PDF text with
// pdftotext (apt-get install poppler-utils).

let outDir: string;
let printed: PrintPdfResult;
const warnings: string[] = [];

function hasPdftotext(): boolean {
  return !spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error;
}

/** Text of each page of a PDF, from pdftotext. */
function pdfPages(pdfPath: string): string[] {
  const result = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\f').filter((page, index, pages) => index < pages.length - 1 || page.trim() !== '');
}

function writeHtml(name: string, body: string): string {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`);
  return file;
}

before(async () => {
  resolveChromium();
  outDir = makeTempDir('pdf-test');
  const report = renderFixtureReport();
  const written = await writeReport(outDir, report.html, { pdf: true, log: (message) => warnings.push(message) });
  assert.ok(written.pdf);
  printed = written.pdf;
});

after(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test('writeReport writes HTML and PDF', () => {
  const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  const pdf = fs.readFileSync(path.join(outDir, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal(printed.pdfPath, path.join(outDir, 'report.pdf'));
  assert.ok(printed.pageCount >= 5, `${printed.pageCount} pages`);
  assert.deepEqual(
    fs.readdirSync(outDir).filter((name) => name.includes('.tmp-')),
    [],
    'no temporary file left',
  );
});

test('report page makes no network request', () => {
  assert.deepEqual(printed.blockedRequests, []);
  assert.deepEqual(printed.plotErrors, []);
  assert.deepEqual(warnings, []);
});

test('PDF text has metrics and page numbers', (t) => {
  if (!hasPdftotext()) {
    t.skip('pdftotext not installed; apt-get install poppler-utils to check the PDF text');
    return;
  }
  const pages = pdfPages(printed.pdfPath);
  assert.equal(pages.length, printed.pageCount);

  const text = pages.join('\n');
  assert.match(text, /Table 1\.\s+Metrics of all models on the MNIST test split\./);
  assert.match(text, /DCGAN\s+41\.23\s+2\.1\s+0\.912/);
  assert.match(text, /WGAN-GP\s+27\.5\s+2\.31\s+0\.9475/);
  assert.match(text, /Figure 2\.\s+Generator and discriminator loss/);
  assert.match(text, /Appendix A\. Reproducibility/);

  pages.forEach((page, index) => {
    assert.match(page, new RegExp(`\\b${index + 1}\\s*/\\s*${pages.length}\\s*$`), `page ${index + 1} lacks its number`);
  });
});

test('plotly chart drawn into the PDF', (t) => {
  if (!hasPdftotext()) {
    t.skip('pdftotext not installed; apt-get install poppler-utils to check the PDF text');
    return;
  }
  const text = pdfPages(printed.pdfPath).join('\n');
  // Axis titles and legend entries exist only when plotly drew the charts.
  assert.match(text, /discriminator/);
  assert.match(text, /epoch/);
  assert.doesNotMatch(text, /needs JavaScript/);
});

test('HTML works in a browser', async () => {
  // Opens report.html as a reader would (screen media, no request interception): the content
  // security policy must let plotly.js and the code toggle run without console errors.
  const browser = await puppeteer.launch({
    executablePath: resolveChromium(),
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND'],
  });
  try {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('pageerror', (error) => messages.push(`page error: ${String(error)}`));
    page.on('console', (message) => messages.push(`console ${message.type()}: ${message.text()}`));
    page.on('requestfailed', (request) => messages.push(`request failed: ${request.url()}`));
    await page.goto(`file://${path.join(outDir, 'report.html')}`);
    await page.waitForFunction('window.__syngan_ready === true', { timeout: 60_000 });

    const countOpen = () => page.evaluate(() => document.querySelectorAll('details.cell-input[open]').length);
    assert.equal(await countOpen(), 0);
    await page.click('#show-all-code');
    assert.equal(await countOpen(), 6);
    await page.click('#show-all-code');
    assert.equal(await countOpen(), 0);

    const drawn = await page.evaluate(() => document.querySelectorAll('.plotly-figure .main-svg').length);
    assert.ok(drawn >= 2, `${drawn} plotly SVG layers`);
    assert.deepEqual(messages, []);
  } finally {
    await browser.close();
  }
});

test('network requests are blocked', async () => {
  const htmlPath = writeHtml(
    'network.html',
    '<img src="http://example.invalid/pixel.png">' +
      '<script>fetch("https://example.invalid/data.json").catch(function () {}).then(function () { window.__syngan_ready = true; });</script>',
  );
  const logged: string[] = [];
  const result = await printPdf(htmlPath, path.join(outDir, 'network.pdf'), { log: (message) => logged.push(message) });
  assert.deepEqual([...result.blockedRequests].sort(), ['http://example.invalid/pixel.png', 'https://example.invalid/data.json']);
  assert.equal(logged.length, 2);
  assert.match(logged[0], /blocked a network request from the report page: http/);
  assert.ok(fs.existsSync(path.join(outDir, 'network.pdf')));
});

test('charts not ready times out', async () => {
  const htmlPath = writeHtml('never-ready.html', '<p>no ready flag</p>');
  await assert.rejects(
    printPdf(htmlPath, path.join(outDir, 'never-ready.pdf'), { timeoutMs: 3000 }),
    (error: unknown) => error instanceof SynganError && /timed out after 3000 ms/.test(error.message),
  );
  assert.ok(!fs.existsSync(path.join(outDir, 'never-ready.pdf')));
});

test('missing Chromium gives install hint', async () => {
  const htmlPath = writeHtml('any.html', '<p>x</p>');
  await assert.rejects(
    printPdf(htmlPath, path.join(outDir, 'any.pdf'), { chromiumPath: path.join(outDir, 'no-such-chromium') }),
    (error: unknown) =>
      error instanceof SynganError &&
      error.message.includes('no-such-chromium') &&
      /apt-get install -y --no-install-recommends chromium/.test(error.hint ?? '') &&
      /SYNGAN_CHROMIUM/.test(error.hint ?? ''),
  );
});

test('failed print keeps previous report', async () => {
  const htmlBefore = fs.readFileSync(path.join(outDir, 'report.html'));
  const pdfBefore = fs.readFileSync(path.join(outDir, 'report.pdf'));
  await assert.rejects(
    writeReport(outDir, '<!DOCTYPE html><p>new</p>', { pdf: true, chromiumPath: path.join(outDir, 'no-such-chromium') }),
    SynganError,
  );
  assert.deepEqual(fs.readFileSync(path.join(outDir, 'report.html')), htmlBefore);
  assert.deepEqual(fs.readFileSync(path.join(outDir, 'report.pdf')), pdfBefore);
  assert.deepEqual(
    fs.readdirSync(outDir).filter((name) => name.startsWith('.')),
    [],
    'no pending or temporary file left',
  );
});

test('HTML path without .html rejected', async () => {
  const textPath = path.join(outDir, 'report.txt');
  fs.writeFileSync(textPath, '<p>x</p>');
  await assert.rejects(
    printPdf(textPath, path.join(outDir, 'text.pdf')),
    (error: unknown) => error instanceof SynganError && /does not end in \.html/.test(error.message),
  );
});

test('SYNGAN_CHROMIUM overrides the default', () => {
  const saved = process.env.SYNGAN_CHROMIUM;
  process.env.SYNGAN_CHROMIUM = path.join(outDir, 'custom-chromium');
  try {
    assert.throws(() => resolveChromium(), (error: unknown) => error instanceof SynganError && /custom-chromium \(from SYNGAN_CHROMIUM\)/.test(error.message));
  } finally {
    if (saved === undefined) delete process.env.SYNGAN_CHROMIUM;
    else process.env.SYNGAN_CHROMIUM = saved;
  }
});
