// Times the report renderer on a generated report of report-like size: 6 notebooks, each with
// 4 PNG sample grids (224×224), 2 plotly line charts of 500 points and an HTML table. Median of
// 3 for renderReport, for the PDF print (Chromium start included), and the output sizes.
// Usage: node dist/bench/report.js (needs /usr/bin/chromium or SYNGAN_CHROMIUM).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PNG } from 'pngjs';

import { printPdf, renderReport } from '../src/report';

const REPEATS = 3;
const NOTEBOOKS = 6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Encodes a 224×224 grey noise image, the size of an 8×8 grid of 28 px samples, as base64 PNG.
 * Noise does not compress, so the image is a worst case for the report's size.
 */
function sampleGridPng(seed: number): string {
  const png = new PNG({ width: 224, height: 224 });
  let state = seed;
  for (let i = 0; i < 224 * 224; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    const value = state >>> 24;
    png.data[4 * i] = value;
    png.data[4 * i + 1] = value;
    png.data[4 * i + 2] = value;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png).toString('base64');
}

function writeBenchNotebook(file: string, index: number): void {
  const steps = Array.from({ length: 500 }, (_, step) => step);
  const cells: unknown[] = [{ cell_type: 'markdown', source: `# Notebook ${index + 1}\n\n## Samples\n\nText.`, metadata: {} }];
  for (let grid = 0; grid < 4; grid += 1) {
    cells.push({
      cell_type: 'code',
      source: 'display.png(grid)',
      metadata: { syngan: { caption: `Samples ${grid + 1}` } },
      outputs: [{ output_type: 'display_data', data: { 'image/png': sampleGridPng(index * 10 + grid + 1) }, metadata: {} }],
    });
  }
  for (let chart = 0; chart < 2; chart += 1) {
    const figure = { data: [{ x: steps, y: steps.map((step) => Math.exp(-step / 100) + 0.1 * Math.sin(step)) }], layout: { height: 300 } };
    cells.push({
      cell_type: 'code',
      source: 'plot()',
      metadata: {},
      outputs: [{ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': JSON.stringify(figure) }, metadata: {} }],
    });
  }
  const rows = Array.from({ length: 20 }, (_, row) => `<tr><td>${row}</td><td>${(row * 1.37).toFixed(2)}</td></tr>`).join('');
  cells.push({
    cell_type: 'code',
    source: 'table()',
    metadata: {},
    outputs: [{ output_type: 'display_data', data: { 'text/html': `<table><thead><tr><th>epoch</th><th>FID</th></tr></thead><tbody>${rows}</tbody></table>` }, metadata: {} }],
  });
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
}

/** Measures renderReport and printPdf on the generated report. */
export async function benchReport(): Promise<Record<string, number>> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-bench-report-'));
  try {
    const notebooks = Array.from({ length: NOTEBOOKS }, (_, index) => {
      const file = path.join(work, `notebook-${index + 1}.ipynb`);
      writeBenchNotebook(file, index);
      return { path: file, elapsedMs: 1000 };
    });
    const reproducibility = {
      gitCommit: '0'.repeat(40),
      dependencies: {},
      backend: 'bench',
      tensorflowVersion: 'bench',
      threads: os.cpus().length,
      seeds: {},
      configHashes: {},
      datasetChecksums: {},
      wallTimePerNotebookMs: {},
      generatedAt: new Date().toISOString(),
      command: 'bench',
    };

    const renderMs: number[] = [];
    const printMs: number[] = [];
    let htmlBytes = 0;
    let pdfBytes = 0;
    let pages = 0;
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      const startMs = performance.now();
      const { html } = renderReport({ notebooks, reproducibility });
      renderMs.push(performance.now() - startMs);

      const htmlPath = path.join(work, 'report.html');
      const pdfPath = path.join(work, 'report.pdf');
      fs.writeFileSync(htmlPath, html);
      const printed = await printPdf(htmlPath, pdfPath);
      printMs.push(printed.elapsedMs);
      htmlBytes = Buffer.byteLength(html);
      pdfBytes = fs.statSync(pdfPath).size;
      pages = printed.pageCount;
    }
    return { notebooks: NOTEBOOKS, renderMs: median(renderMs), printMs: median(printMs), htmlBytes, pdfBytes, pages };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchReport().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
