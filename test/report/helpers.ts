import path from 'node:path';

import { projectRoot } from '../../src/core/files';
import { renderReport, type RenderReportOptions, type Reproducibility } from '../../src/report';

export const FIXTURES = path.join(projectRoot(), 'test', 'fixtures', 'report');
export const BASELINE_NOTEBOOK = path.join(FIXTURES, 'baseline.ipynb');
export const CONCLUSIONS_NOTEBOOK = path.join(FIXTURES, 'conclusions.ipynb');

export const REPRODUCIBILITY: Reproducibility = {
  gitCommit: '451045f0c2d1e3f4a5b6c7d8e9f00112233445566',
  dependencies: { '@tensorflow/tfjs-node': '4.22.0', tslab: '1.0.22' },
  backend: 'tensorflow (native CPU)',
  tensorflowVersion: '2.21.0',
  threads: 2,
  seeds: { dcgan: 7, 'wgan-gp': 11 },
  configHashes: { dcgan: '9f2c'.repeat(16) },
  datasetChecksums: { 'train-images-idx3-ubyte': 'ba7e'.repeat(16) },
  wallTimePerNotebookMs: { 'baseline.ipynb': 12_345, 'conclusions.ipynb': 800 },
  generatedAt: '2026-12-04T20:50:00Z',
  command: 'npm run report -- --profile quick',
};

export const METRICS_TABLE = {
  columns: ['model', 'FID', 'IS', 'TSTR accuracy'],
  rows: [
    ['DCGAN', 41.234567, 2.1, 0.912],
    ['WGAN-GP', 27.5, 2.31, 0.9475],
  ],
  caption: 'Metrics of all models on the MNIST test split.',
};

/** Renders the two fixture notebooks with a metrics table, as the report command would. */
export function renderFixtureReport(overrides: Partial<RenderReportOptions> = {}) {
  return renderReport({
    notebooks: [
      { path: BASELINE_NOTEBOOK, title: 'Baseline DCGAN', elapsedMs: 12_345, ok: false, failedCell: 8 },
      { path: CONCLUSIONS_NOTEBOOK, elapsedMs: 800 },
    ],
    runRecords: [{ id: 'dcgan-quick', fid: 41.234567 }],
    summary: { title: 'Synthetic MNIST with GANs', subtitle: 'Project report', metricsTable: METRICS_TABLE },
    reproducibility: REPRODUCIBILITY,
    ...overrides,
  });
}

/** Removes the inlined plotly.js library from the HTML, because its code contains URLs of its own. */
export function withoutPlotlyLibrary(html: string): string {
  return html.replace(/<script id="plotly-js">[\s\S]*?<\/script>/, '<script id="plotly-js"></script>');
}
