import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { listNotebooks, runReportJob, runVerifyJob, summaryTable } from '../../src/cli/report';
import { projectRoot } from '../../src/core/files';
import { readResults } from '../../src/pipeline';
import { makeTempDir } from '../temp-dir';

// The report job end to end on tiny notebooks: the real tslab kernel executes them, result
// records feed the summary table, and Chromium prints the PDF.

let work: string;
let notebooksDir: string;
let outDir: string;

function notebook(cells: { source: string; tags?: string[] }[]): string {
  return JSON.stringify({
    cells: cells.map((cell, i) => ({
      cell_type: 'code', id: `cell-${i}`, metadata: cell.tags ? { tags: cell.tags } : {}, source: cell.source, execution_count: null, outputs: [],
    })),
    metadata: { kernelspec: { name: 'syngan-typescript', display_name: 'TypeScript (syngan)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const importLine = `import * as sg from ${JSON.stringify(path.join(projectRoot(), 'dist', 'src'))};`;

before(() => {
  work = makeTempDir('report-job');
  notebooksDir = path.join(work, 'notebooks');
  outDir = path.join(work, 'reports');
  fs.mkdirSync(notebooksDir);
  fs.writeFileSync(path.join(notebooksDir, '01-first.ipynb'), JSON.stringify({
    ...JSON.parse(notebook([
      { source: "let profile: 'quick' | 'standard' | 'full' = 'standard';\nlet force = true;", tags: ['parameters'] },
      { source: `${importLine}\nconst ui = sg.notebookDisplay();\nui.markdown('# First notebook\\n\\nprofile is ' + profile);` },
      { source: "const resultFile = sg.recordResult({ key: 'metrics/mnist/toy', notebook: '01-first', label: 'Toy model', metrics: { fid: 12.345678, precision: 0.5 }, provenance: { seed: 3, configHash: 'abc123' } });" },
    ])),
  }));
  fs.writeFileSync(path.join(notebooksDir, '02-second.ipynb'), notebook([
    { source: `${importLine}\nconst ui = sg.notebookDisplay();\nui.table(['a', 'b'], [[1, 2]], { caption: 'A small table' });` },
    { source: "const resultFile = sg.recordResult({ key: 'downstream/mnist/toy', notebook: '02-second', label: 'Toy model', metrics: { tos_accuracy: 0.875 }, provenance: {} });" },
  ]));
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

test('notebooks listed in order', () => {
  assert.deepEqual(listNotebooks(notebooksDir).map((file) => path.basename(file)), ['01-first.ipynb', '02-second.ipynb']);
  assert.deepEqual(listNotebooks(notebooksDir, ['02']).map((file) => path.basename(file)), ['02-second.ipynb']);
  assert.throws(() => listNotebooks(notebooksDir, ['07']), /no notebook matches "07"/);
});

test('summary merges downstream accuracy', () => {
  const table = summaryTable([
    { key: 'metrics/mnist/toy', notebook: 'n', label: 'Toy', metrics: { fid: 1.5, recall: null }, provenance: {} },
    { key: 'downstream/mnist/toy', notebook: 'n', label: 'Toy', metrics: { tos_accuracy: 0.9 }, provenance: {} },
  ]);
  assert.ok(table);
  assert.deepEqual(table.columns, ['model', 'FID ↓', 'train-on-synthetic acc. ↑']);
  assert.deepEqual(table.rows, [['Toy', 1.5, 0.9]]);
  assert.equal(summaryTable([]), undefined);
});

test('report job writes HTML and PDF', { timeout: 300_000 }, async () => {
  const lines: string[] = [];
  const result = await runReportJob({ profile: 'quick', notebooksDir, outDir }, (line) => lines.push(line));

  assert.equal(result.ok, true, lines.join('\n'));
  assert.equal(result.notebooks.length, 2);
  assert.ok(fs.existsSync(path.join(outDir, 'notebooks', '01-first.ipynb')));
  const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8');
  assert.match(html, /profile is quick/, 'the injected profile parameter wins over the default');
  assert.match(html, /Toy model/);
  assert.match(html, /12\.35/, 'the summary table shows the FID from the result record');
  assert.match(html, /0\.875/, 'the summary table shows the train-on-synthetic accuracy');
  assert.match(html, /abc123/, 'the appendix lists the config hash');
  assert.deepEqual(readResults(path.join(outDir, 'results')).map((record) => record.key), ['downstream/mnist/toy', 'metrics/mnist/toy']);

  const pdf = path.join(outDir, 'report.pdf');
  assert.ok(fs.statSync(pdf).size > 1000);
  const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  if (text.error) {
    console.log('pdftotext is not installed (apt-get install poppler-utils); skipping the PDF text check');
    return;
  }
  assert.match(text.stdout, /Toy model/);
  assert.match(text.stdout, /12\.35/);
});

test('only reruns one notebook, keeps the rest', { timeout: 300_000 }, async () => {
  // Runs after the full report above, so both executed copies exist with profile quick.
  const first = path.join(outDir, 'notebooks', '01-first.ipynb');
  const firstBefore = fs.readFileSync(first, 'utf8');
  const lines: string[] = [];
  const result = await runReportJob({ profile: 'quick', notebooksDir, outDir, only: ['02'], pdf: false }, (line) => lines.push(line));

  assert.equal(result.ok, true, lines.join('\n'));
  assert.deepEqual(result.notebooks.map((entry) => path.basename(entry.path)), ['02-second.ipynb'], 'only 02 was executed');
  assert.equal(fs.readFileSync(first, 'utf8'), firstBefore, 'the executed copy of 01 is untouched');
  assert.ok(lines.some((line) => /01-first\.ipynb: reusing the executed copy/.test(line)), lines.join('\n'));
  const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8');
  assert.match(html, /profile is quick/, 'the report still contains notebook 01');
  assert.match(html, /A small table/, 'the report contains the rerun notebook 02');

  // A copy executed with another profile is left out, and the log names the reason.
  const otherLines: string[] = [];
  await runReportJob({ profile: 'standard', notebooksDir, outDir, only: ['02'], pdf: false }, (line) => otherLines.push(line));
  assert.ok(otherLines.some((line) => /01-first\.ipynb: left out of the report, because its executed copy ran with profile quick/.test(line)), otherLines.join('\n'));
  assert.doesNotMatch(fs.readFileSync(path.join(outDir, 'report.html'), 'utf8'), /profile is quick/);
});

test('failing cell fails the job', { timeout: 300_000 }, async () => {
  const failing = path.join(work, 'failing');
  fs.mkdirSync(failing);
  fs.writeFileSync(path.join(failing, '01-broken.ipynb'), notebook([{ source: "throw new Error('deliberate failure in cell one');" }, { source: 'console.log("not reached");' }]));
  const result = await runReportJob({ profile: 'quick', notebooksDir: failing, outDir: path.join(work, 'failing-out'), pdf: false }, () => undefined);

  assert.equal(result.ok, false);
  assert.equal(result.notebooks[0].ok, false);
  // Cell 1 of the executed notebook is the injected parameters cell (the notebook has no
  // `parameters` cell, so it goes first), so the failing cell is number 2.
  assert.equal(result.notebooks[0].failedCell, 2);
  const html = fs.readFileSync(path.join(work, 'failing-out', 'report.html'), 'utf8');
  assert.match(html, /deliberate failure in cell one/);
  const executed = JSON.parse(fs.readFileSync(path.join(work, 'failing-out', 'notebooks', '01-broken.ipynb'), 'utf8'));
  const lastCell = executed.cells[executed.cells.length - 1];
  assert.deepEqual(lastCell.outputs, [], 'the cell after the failure does not run');
  assert.equal(lastCell.execution_count, null);
});

test('verify compares every metric', { timeout: 300_000 }, async () => {
  const lines: string[] = [];
  const verified = await runVerifyJob({ profile: 'quick', notebooksDir, outDir, relativeTolerance: 1e-9 }, (line) => lines.push(line));
  assert.equal(verified.ok, true, lines.join('\n'));
  assert.equal(verified.comparisons.length, 3);

  const file = path.join(outDir, 'results', 'metrics__mnist__toy.json');
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  record.metrics.fid = 13;
  fs.writeFileSync(file, JSON.stringify(record));
  const tampered = await runVerifyJob({ profile: 'quick', notebooksDir, outDir, relativeTolerance: 1e-9 }, (line) => lines.push(line));
  assert.equal(tampered.ok, false);
  const fid = tampered.comparisons.find((comparison) => comparison.metric === 'fid');
  assert.equal(fid?.ok, false);
  assert.equal(fid?.expected, 13);
  assert.equal(fid?.actual, 12.345678);
});
