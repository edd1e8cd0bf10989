import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import { CAPTION_MIME, readEmbeddedRunRecords, renderReport } from '../../src/report';
import {
  BASELINE_NOTEBOOK,
  CONCLUSIONS_NOTEBOOK,
  METRICS_TABLE,
  REPRODUCIBILITY,
  renderFixtureReport,
  withoutPlotlyLibrary,
} from './helpers';
import { makeTempDir } from '../temp-dir';

const report = renderFixtureReport();
const page = withoutPlotlyLibrary(report.html);

/** Writes a one-notebook fixture into a temp folder and returns its path. */
function writeNotebook(cells: unknown[]): string {
  const dir = makeTempDir('report-test');
  const file = path.join(dir, 'notebook.ipynb');
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return file;
}

function tocEntries(html: string): { href: string; text: string }[] {
  const nav = /<nav class="toc"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
  return [...nav.matchAll(/<a href="#([^"]+)">([\s\S]*?)<\/a>/g)].map((match) => ({
    href: match[1],
    text: match[2].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
  }));
}

test('table of contents lists numbered headings', () => {
  const entries = tocEntries(report.html);
  assert.deepEqual(
    entries.map((entry) => entry.text),
    [
      'Summary of results',
      '1 Baseline DCGAN',
      '1.1 Training',
      '1.2 Evaluation',
      '1.2.1 Charts',
      '2 Conclusions',
      'Appendix A. Reproducibility',
      'Dependencies',
      'Seeds',
      'Config hashes',
      'Dataset checksums (SHA-256)',
      'Wall time per notebook',
    ],
  );
  for (const entry of entries) {
    assert.match(report.html, new RegExp(`<h[1-6] id="${entry.href}">`), `no heading with id ${entry.href}`);
  }
});

test('repeated notebook title is dropped', () => {
  assert.equal((report.html.match(/Baseline DCGAN<\/h1>/g) ?? []).length, 1);
  assert.match(report.html, /<h2 id="training"><span class="section-number">1\.1<\/span> Training<\/h2>/);
});

test('figures and tables numbered with captions', () => {
  assert.equal(report.figures, 3);
  assert.equal(report.tables, 2);

  const captions = [...report.html.matchAll(/<figcaption>([\s\S]*?)<\/figcaption>/g)].map((match) =>
    match[1].replace(/\s+/g, ' ').trim(),
  );
  assert.deepEqual(captions, [
    '<span class="caption-label">Table 1.</span> Metrics of all models on the MNIST test split.',
    '<span class="caption-label">Figure 1.</span> Generator samples after <em>2 epochs</em>',
    '<span class="caption-label">Table 2.</span> Losses per epoch',
    '<span class="caption-label">Figure 2.</span> Generator and discriminator loss',
    '<span class="caption-label">Figure 3.</span> FID of each model',
  ]);
  for (const id of ['figure-1', 'figure-2', 'figure-3', 'table-1', 'table-2']) {
    assert.match(report.html, new RegExp(`id="${id}"`));
  }
});

test('metrics table shows formatted values', () => {
  const table = /<table class="metrics">[\s\S]*?<\/table>/.exec(report.html)?.[0] ?? '';
  assert.match(table, /<th>model<\/th><th class="numeric">FID<\/th>/);
  assert.match(table, /<td>DCGAN<\/td><td class="numeric">41\.23<\/td><td class="numeric">2\.1<\/td><td class="numeric">0\.912<\/td>/);
  assert.match(table, /<td>WGAN-GP<\/td><td class="numeric">27\.5<\/td><td class="numeric">2\.31<\/td><td class="numeric">0\.9475<\/td>/);
});

test('images are embedded as data URIs', () => {
  const sources = [...page.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((match) => match[1]);
  assert.equal(sources.length, 2, 'the sample grid and the plotly fallback PNG');
  for (const src of sources) assert.match(src, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
});

test('no external URL in src or href', () => {
  assert.doesNotMatch(page, /\b(src|href|action|poster|data)\s*=\s*["']?\s*(https?:|\/\/|file:|ftp:)/i);
  assert.doesNotMatch(page, /url\(/i);
  const hrefs = [...page.matchAll(/\bhref="([^"]*)"/g)].map((match) => match[1]);
  assert.ok(hrefs.length > 0);
  for (const href of hrefs) assert.ok(href.startsWith('#'), `href ${href} leaves the document`);
  // The external link keeps its URL as visible text.
  assert.match(page, /<span class="link">Radford et al\.<\/span> <span class="link-url">⟨https:\/\/arxiv\.org\/abs\/1511\.06434⟩<\/span>/);
  assert.match(page, /\[image not embedded: remote sample\]/);
});

test('content security policy blocks loads', () => {
  assert.match(report.html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
});

test('code hidden by default', () => {
  const details = [...report.html.matchAll(/<details class="cell-input"([^>]*)>/g)];
  assert.equal(details.length, 6, 'one per code cell except the removed one');
  for (const match of details) assert.equal(match[1], '');
  assert.match(report.html, /<input type="checkbox" id="show-all-code"> Show all code/);

  const withCode = renderFixtureReport({ showCode: true });
  const opened = [...withCode.html.matchAll(/<details class="cell-input"([^>]*)>/g)];
  assert.equal(opened.length, 6);
  for (const match of opened) assert.equal(match[1], ' open');
  assert.match(withCode.html, /<pre class="cell-source"><code>const run = await sg\.train\(config\);/);
});

test('script in markdown shows as text', () => {
  assert.doesNotMatch(report.html, /<script>window\.__markdownScript/);
  assert.match(report.html, /&lt;script&gt;window\.__markdownScript = 1&lt;\/script&gt;/);
  assert.doesNotMatch(page, /<img src="http:/);
});

test('script in HTML output is removed', () => {
  assert.doesNotMatch(report.html, /__outputScript/);
  const table = /<figure class="report-table" id="table-2">[\s\S]*?<\/figure>/.exec(report.html)?.[0] ?? '';
  assert.doesNotMatch(table, /onclick|onmouseover|style=|<script|<img|<a /i);
  assert.match(table, /<td colspan="2">mean 0\.65<\/td>/);
  assert.match(table, /<td>0\.693<\/td>/);
  assert.match(table, /link text/);
});

test('stream output is cleaned', () => {
  assert.match(report.html, /<pre class="output-stream stdout">epoch 1\/2\nprogress 100%\nfinal generator loss 1\.1<\/pre>/);
  assert.match(report.html, /<pre class="output-stream stderr">warning: 2 threads<\/pre>/);
  assert.doesNotMatch(report.html, /\u001b/);
  assert.doesNotMatch(report.html, /progress 10%/);
});

test('error output is marked', () => {
  const error = /<div class="output-error"[\s\S]*?<\/div>/.exec(report.html)?.[0] ?? '';
  assert.match(error, /<p class="error-title">Error: ReferenceError: undefinedFunction is not defined<\/p>/);
  assert.match(error, /at &lt;Cell 6&gt;:1:1/);
  assert.match(report.html, /<div class="notebook-failed" role="alert"><strong>Execution failed at cell 8\.<\/strong>/);
  assert.match(report.html, /<div class="code-cell cell-failed">/);
});

test('failed cell found by id', () => {
  const { html } = renderReport({
    notebooks: [{ path: BASELINE_NOTEBOOK, ok: false, failedCell: 'fails' }],
    reproducibility: REPRODUCIBILITY,
  });
  assert.match(html, /<strong>Execution failed at cell 8\.<\/strong>/);
  assert.equal((html.match(/<div class="code-cell cell-failed">/g) ?? []).length, 1);
  assert.match(html, /<div class="code-cell cell-failed">\n<details class="cell-input"><summary>Code, cell 8<\/summary>/);
});

test('remove-cell tag drops the cell', () => {
  assert.doesNotMatch(report.html, /REMOVED-CELL-OUTPUT/);
  assert.doesNotMatch(report.html, /secretHelper/);
});

test('plotly inlined once with fallback', () => {
  assert.equal((report.html.match(/<script id="plotly-js">/g) ?? []).length, 1);
  assert.equal((report.html.match(/<div class="plotly-figure"/g) ?? []).length, 2);
  assert.match(page, /<div class="plotly-figure" id="plotly-2" data-spec="plotly-spec-2"><img class="plotly-fallback" src="data:image\/png;base64,/);

  const spec = /<script type="application\/json" id="plotly-spec-1">([\s\S]*?)<\/script>/.exec(report.html)?.[1] ?? '';
  const figure = JSON.parse(spec);
  assert.equal(figure.data.length, 2);
  assert.equal(figure.layout.width, undefined, 'the figure width follows the column');
  assert.equal(figure.layout.height, 320);
  assert.equal(figure.config.displayModeBar, false);
  assert.deepEqual(figure.layout.margin, { t: 48, r: 16, b: 48, l: 56 });
});

test('report without plotly omits plotly.js', () => {
  const small = renderReport({ notebooks: [{ path: CONCLUSIONS_NOTEBOOK }], reproducibility: REPRODUCIBILITY });
  assert.doesNotMatch(small.html, /plotly-js/);
  assert.match(small.html, /window\.__syngan_ready = true/);
  assert.ok(small.html.length < 100_000, `${small.html.length} characters`);
  assert.equal(small.figures, 0);
  assert.equal(small.tables, 0);
  assert.match(small.html, /<h1 id="conclusions"><span class="section-number">1<\/span> Conclusions<\/h1>\n<p class="notebook-meta">Notebook <code>conclusions\.ipynb<\/code>\.<\/p>/);
});

test('run records round trip', () => {
  assert.deepEqual(readEmbeddedRunRecords(report.html), [{ id: 'dcgan-quick', fid: 41.234567 }]);
  const hostile = renderReport({
    notebooks: [],
    runRecords: [{ note: '</script><script>alert(1)</script>' }],
    reproducibility: REPRODUCIBILITY,
  });
  assert.doesNotMatch(hostile.html, /<script>alert/);
  assert.deepEqual(readEmbeddedRunRecords(hostile.html), [{ note: '</script><script>alert(1)</script>' }]);
});

test('reproducibility appendix lists fields', () => {
  const appendix = /<section class="appendix"[\s\S]*?<\/section>/.exec(report.html)?.[0] ?? '';
  for (const expected of [
    REPRODUCIBILITY.gitCommit,
    'npm run report -- --profile quick',
    'tensorflow (native CPU)',
    '2.21.0',
    '<td>Threads</td><td class="value">2</td>',
    '<td>@tensorflow/tfjs-node</td><td class="value">4.22.0</td>',
    '<td>wgan-gp</td><td class="value">11</td>',
    '9f2c'.repeat(16),
    '<td>train-images-idx3-ubyte</td><td class="hash">' + 'ba7e'.repeat(16),
    '<td>baseline.ipynb</td><td class="value">12.3 s</td>',
    '<td>Total</td><td class="value">13.1 s</td>',
    '2026-12-04T20:50:00Z',
  ]) {
    assert.ok(appendix.includes(expected), `appendix lacks ${expected}`);
  }
});

test('caption output and cell metadata captions', () => {
  const png = fs.readFileSync(BASELINE_NOTEBOOK, 'utf8').match(/"image\/png": "([A-Za-z0-9+/=]+)"/)?.[1];
  assert.ok(png);
  const file = writeNotebook([
    {
      cell_type: 'code',
      source: 'show()',
      metadata: { syngan: { caption: ['First from metadata', '', 'Third from metadata'] } },
      outputs: [
        { output_type: 'display_data', data: { 'image/png': png }, metadata: {} },
        { output_type: 'display_data', data: { [CAPTION_MIME]: 'Second from a caption output' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/png': png }, metadata: {} },
        { output_type: 'display_data', data: { 'text/html': '<table><tr><td>1</td></tr></table>' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/png': png }, metadata: { syngan: { caption: 'Fourth from output metadata' } } },
        { output_type: 'display_data', data: { 'image/png': png }, metadata: {} },
        { output_type: 'display_data', data: { [CAPTION_MIME]: { caption: 'Fifth from a trailing caption output' } }, metadata: {} },
      ],
    },
  ]);
  const result = renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY });
  const captions = [...result.html.matchAll(/<figcaption>([\s\S]*?)<\/figcaption>/g)].map((match) => match[1].replace(/<[^>]+>/g, ''));
  assert.deepEqual(captions, [
    'Figure 1. First from metadata',
    'Figure 2. Second from a caption output',
    'Table 1. Third from metadata',
    'Figure 3. Fourth from output metadata',
    'Figure 4. Fifth from a trailing caption output',
  ]);
});

test('missing notebook names the file', () => {
  const missing = path.join(os.tmpdir(), 'no-such-notebook.ipynb');
  assert.throws(
    () => renderReport({ notebooks: [{ path: missing }], reproducibility: REPRODUCIBILITY }),
    (error: unknown) => error instanceof SynganError && error.message.includes(missing) && /execute/i.test(error.hint ?? ''),
  );
});

test('invalid notebook names the cell', () => {
  const file = writeNotebook([{ cell_type: 'markdown', source: '# ok' }, { cell_type: 'widget', source: '' }]);
  assert.throws(
    () => renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY }),
    (error: unknown) => error instanceof SynganError && error.message.includes(`${file}, cell 2`) && error.message.includes('"widget"'),
  );
});

test('metrics row of wrong length rejected', () => {
  const metricsTable = { ...METRICS_TABLE, rows: [...METRICS_TABLE.rows, ['SNGAN', 30.1]] };
  assert.throws(
    () => renderReport({ notebooks: [], summary: { title: 't', metricsTable }, reproducibility: REPRODUCIBILITY }),
    (error: unknown) => error instanceof SynganError && /rows\[2\] has 2 values; expected 4/.test(error.message),
  );
});

test('missing reproducibility field rejected', () => {
  const { gitCommit: _omitted, ...partial } = REPRODUCIBILITY;
  assert.throws(
    () => renderReport({ notebooks: [], reproducibility: partial as typeof REPRODUCIBILITY }),
    (error: unknown) => error instanceof SynganError && error.message === 'reproducibility.gitCommit is missing or not a string.',
  );
});

test('markdown images from file and attachment', () => {
  const png = fs.readFileSync(BASELINE_NOTEBOOK, 'utf8').match(/"image\/png": "([A-Za-z0-9+/=]+)"/)?.[1];
  assert.ok(png);
  const file = writeNotebook([
    {
      cell_type: 'markdown',
      source: '![grid from file](figures/grid%20small.png) ![pasted](attachment:pasted.png) ![missing](figures/none.png) ![not an image](notebook.ipynb)',
      metadata: {},
      attachments: { 'pasted.png': { 'image/png': png } },
    },
  ]);
  fs.mkdirSync(path.join(path.dirname(file), 'figures'));
  fs.writeFileSync(path.join(path.dirname(file), 'figures', 'grid small.png'), Buffer.from(png, 'base64'));

  const { html } = renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY });
  const images = [...html.matchAll(/<img class="markdown-image" src="([^"]+)" alt="([^"]*)">/g)];
  assert.equal(images.length, 2);
  assert.equal(images[0][1], `data:image/png;base64,${png}`);
  assert.equal(images[0][2], 'grid from file');
  assert.equal(images[1][1], `data:image/png;base64,${png}`);
  assert.equal(images[1][2], 'pasted');
  assert.match(html, /\[image not embedded: missing\]/);
  assert.match(html, /\[image not embedded: not an image\]/);
});

test('headings avoid reserved ids', () => {
  const file = writeNotebook([
    { cell_type: 'markdown', source: '# Figure 1\n\n## Summary\n\n## Summary\n\n## Table 2', metadata: {} },
  ]);
  const { html } = renderReport({
    notebooks: [{ path: file }],
    summary: { title: 't', metricsTable: METRICS_TABLE },
    reproducibility: REPRODUCIBILITY,
  });
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(', ')}`);
  assert.match(html, /<h1 id="figure-1-2">/);
  assert.match(html, /<h2 id="summary-2">/);
  assert.match(html, /<h2 id="summary-3">/);
  assert.match(html, /<h2 id="table-2-2">/);
});

test('long text output is truncated', () => {
  const file = writeNotebook([
    {
      cell_type: 'code',
      source: 'print()',
      metadata: {},
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'start ' + 'x'.repeat(1_000_000) + ' end' }],
    },
  ]);
  const { html } = renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY });
  assert.ok(html.length < 300_000, `${html.length} characters`);
  assert.match(html, /<pre class="output-stream stdout">start x+\n\[… 800010 characters omitted …\]\nx+ end<\/pre>/);
});

test('long table may break across pages', () => {
  const rows = Array.from({ length: 40 }, (_, row) => `<tr><td>${row}</td></tr>`).join('');
  const file = writeNotebook([
    {
      cell_type: 'code',
      source: 'table()',
      metadata: {},
      outputs: [
        { output_type: 'display_data', data: { 'text/html': `<table><tbody>${rows}</tbody></table>` }, metadata: {} },
        { output_type: 'display_data', data: { 'text/html': '<table><tbody><tr><td>short</td></tr></tbody></table>' }, metadata: {} },
      ],
    },
  ]);
  const { html } = renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY });
  assert.match(html, /<figure class="report-table long-table" id="table-1">/);
  assert.match(html, /<figure class="report-table" id="table-2">/);
});

test('heading levels follow the top level', () => {
  const file = writeNotebook([{ cell_type: 'markdown', source: '## Data\n\n### Classes\n\n## Samples', metadata: {} }]);
  const untitled = renderReport({ notebooks: [{ path: file }], reproducibility: REPRODUCIBILITY });
  assert.match(untitled.html, /<h1 id="data"><span class="section-number">1<\/span> Data<\/h1>/);
  assert.match(untitled.html, /<h2 id="classes"><span class="section-number">1\.1<\/span> Classes<\/h2>/);
  assert.match(untitled.html, /<h1 id="samples"><span class="section-number">2<\/span> Samples<\/h1>/);

  const titled = renderReport({ notebooks: [{ path: file, title: 'Dataset' }], reproducibility: REPRODUCIBILITY });
  assert.match(titled.html, /<h1 id="dataset"><span class="section-number">1<\/span> Dataset<\/h1>/);
  assert.match(titled.html, /<h2 id="data"><span class="section-number">1\.1<\/span> Data<\/h2>/);
  assert.match(titled.html, /<h3 id="classes"><span class="section-number">1\.1\.1<\/span> Classes<\/h3>/);
});
