import type MarkdownIt from 'markdown-it';

import { SynganError } from '../core/errors';
import type { DocumentState, HeadingEntry } from './document';
import { escapeHtml } from './escape';
import type { MarkdownEnv } from './markdown';
import { captionHtml, tableFigureClass } from './outputs';

/** The metrics of all models, one row per model; every value comes from a run record. */
export interface MetricsTable {
  columns: string[];
  /** Numbers are printed with up to 4 significant digits; pass a string to choose the format. */
  rows: (string | number)[][];
  caption: string;
}

/** Facts a grader needs to rerun the report and get the same numbers. */
export interface Reproducibility {
  gitCommit: string;
  /** Package name → installed version. */
  dependencies: Record<string, string>;
  backend: string;
  tensorflowVersion: string;
  threads: number;
  /** Experiment or run name → seed. */
  seeds: Record<string, number | string>;
  /** Experiment or run name → config hash. */
  configHashes: Record<string, string>;
  /** Dataset file or name → SHA-256. */
  datasetChecksums: Record<string, string>;
  /** Notebook file → wall time of its execution in milliseconds. */
  wallTimePerNotebookMs: Record<string, number>;
  /** ISO 8601 time the report was generated. */
  generatedAt: string;
  /** Command line that produced the report. */
  command: string;
}

/** Formats a table value: numbers with up to 4 significant digits (no exponent below 1e6). */
export function formatValue(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1000) return value.toFixed(1);
  return String(Number(value.toPrecision(4)));
}

/** Formats a duration in milliseconds as `850 ms`, `12.3 s`, `3 min 05 s` or `1 h 02 min`. */
export function formatDuration(elapsedMs: number): string {
  if (!Number.isFinite(elapsedMs) || elapsedMs < 0) return String(elapsedMs);
  if (elapsedMs < 1000) return `${Math.round(elapsedMs)} ms`;
  const seconds = elapsedMs / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, '0')} min`;
}

/** Checks the metrics table's shape; throws a SynganError naming the row that does not fit. */
export function checkMetricsTable(table: MetricsTable): void {
  const hint = 'Build the metrics table with one value per column for every model.';
  if (!Array.isArray(table.columns) || table.columns.length === 0) {
    throw new SynganError('summary.metricsTable.columns is empty or missing.', { hint });
  }
  if (!Array.isArray(table.rows)) throw new SynganError('summary.metricsTable.rows is not an array.', { hint });
  table.rows.forEach((row, index) => {
    if (!Array.isArray(row) || row.length !== table.columns.length) {
      throw new SynganError(
        `summary.metricsTable.rows[${index}] has ${Array.isArray(row) ? row.length : 'no'} values; expected ${table.columns.length} (one per column).`,
        { hint },
      );
    }
    row.forEach((value, column) => {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new SynganError(`summary.metricsTable.rows[${index}][${column}] is ${JSON.stringify(value)}; expected a number or a string.`, { hint });
      }
    });
  });
}

/** Checks that every reproducibility field is present with the right type. */
export function checkReproducibility(value: Reproducibility): void {
  const hint = 'Pass every reproducibility field; the report generator collects them from the run store and the environment.';
  if (typeof value !== 'object' || value === null) throw new SynganError('reproducibility is missing.', { hint });
  const strings = ['gitCommit', 'backend', 'tensorflowVersion', 'generatedAt', 'command'] as const;
  const records = ['dependencies', 'seeds', 'configHashes', 'datasetChecksums', 'wallTimePerNotebookMs'] as const;
  for (const key of strings) {
    if (typeof value[key] !== 'string') throw new SynganError(`reproducibility.${key} is missing or not a string.`, { hint });
  }
  if (typeof value.threads !== 'number') throw new SynganError('reproducibility.threads is missing or not a number.', { hint });
  for (const key of records) {
    const record = value[key];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new SynganError(`reproducibility.${key} is missing or not an object.`, { hint });
    }
  }
}

/** Renders the metrics table as a numbered table, numeric columns right-aligned. */
export function renderMetricsTable(table: MetricsTable, md: MarkdownIt, env: MarkdownEnv): string {
  const numeric = table.columns.map((_, column) => table.rows.length > 0 && table.rows.every((row) => typeof row[column] === 'number'));
  const cellClass = (column: number) => (numeric[column] ? ' class="numeric"' : '');
  const head = table.columns.map((name, column) => `<th${cellClass(column)}>${escapeHtml(name)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((value, column) => `<td${cellClass(column)}>${escapeHtml(formatValue(value))}</td>`).join('')}</tr>`)
    .join('\n');

  const tableHtml = `<table class="metrics"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  env.doc.tableCount += 1;
  const number = env.doc.tableCount;
  return (
    `<figure class="${tableFigureClass(tableHtml)}" id="table-${number}">` +
    `<figcaption>${captionHtml('Table', number, table.caption, md, env)}</figcaption>` +
    `<div class="table-body">${tableHtml}</div></figure>\n`
  );
}

/** Renders the reproducibility appendix: environment, versions, seeds, hashes and timings. */
export function renderReproducibility(value: Reproducibility, runRecordCount: number, doc: DocumentState): string {
  const heading = doc.addUnnumberedHeading(1, 'Appendix A. Reproducibility', 'appendix-reproducibility');
  const totalMs = Object.values(value.wallTimePerNotebookMs).reduce((sum, ms) => sum + (Number.isFinite(ms) ? ms : 0), 0);

  const general: [string, string][] = [
    ['Generated at', value.generatedAt],
    ['Command', value.command],
    ['Git commit', value.gitCommit],
    ['Backend', value.backend],
    ['TensorFlow version', value.tensorflowVersion],
    ['Threads', String(value.threads)],
    ['Run records', `${runRecordCount}, embedded in the HTML file as JSON (element id "syngan-run-records")`],
  ];

  let html = `<section class="appendix" id="appendix">\n<h1 id="${heading.id}">${escapeHtml(heading.text)}</h1>\n`;
  html += '<p>The values below identify the code, environment and inputs that produced this report.</p>\n';
  html += keyValueTable(general, 'value');
  html += subsection('Dependencies', doc, keyValueTable(sortedEntries(value.dependencies), 'value'));
  html += subsection('Seeds', doc, keyValueTable(sortedEntries(value.seeds), 'value'));
  html += subsection('Config hashes', doc, keyValueTable(sortedEntries(value.configHashes), 'hash'));
  html += subsection('Dataset checksums (SHA-256)', doc, keyValueTable(sortedEntries(value.datasetChecksums), 'hash'));
  const timings: [string, string][] = Object.entries(value.wallTimePerNotebookMs).map(([name, ms]) => [name, formatDuration(ms)]);
  timings.push(['Total', formatDuration(totalMs)]);
  html += subsection('Wall time per notebook', doc, keyValueTable(timings, 'value'));
  html += '</section>\n';
  return html;
}

/** Renders the table of contents from the recorded headings (levels 1–3). */
export function renderTableOfContents(headings: HeadingEntry[]): string {
  const items = headings
    .filter((heading) => heading.level <= 3)
    .map((heading) => {
      const number = heading.sectionNumber ? `<span class="section-number">${heading.sectionNumber}</span>` : '';
      return `<li class="toc-level-${heading.level}"><a href="#${escapeHtml(heading.id)}">${number}${escapeHtml(heading.text)}</a></li>`;
    })
    .join('\n');
  return `<nav class="toc" id="contents">\n<h2>Contents</h2>\n<ol>\n${items}\n</ol>\n</nav>\n`;
}

function subsection(title: string, doc: DocumentState, body: string): string {
  const heading = doc.addUnnumberedHeading(2, title);
  return `<h2 id="${heading.id}">${escapeHtml(title)}</h2>\n${body}`;
}

function sortedEntries(record: Record<string, string | number>): [string, string][] {
  return Object.entries(record)
    .map(([key, value]): [string, string] => [key, String(value)])
    .sort(([a], [b]) => a.localeCompare(b));
}

function keyValueTable(entries: [string, string][], valueClass: 'value' | 'hash'): string {
  if (entries.length === 0) return '<p class="output-note">none recorded</p>\n';
  const rows = entries
    .map(([key, value]) => `<tr><td>${escapeHtml(key)}</td><td class="${valueClass}">${escapeHtml(value)}</td></tr>`)
    .join('\n');
  return `<table class="key-values"><tbody>\n${rows}\n</tbody></table>\n`;
}
