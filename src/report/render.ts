import { SynganError } from '../core/errors';
import { DocumentState } from './document';
import { escapeHtml, jsonForScript } from './escape';
import { createMarkdownRenderer, type MarkdownEnv } from './markdown';
import { renderNotebookSection, type NotebookEntry } from './notebook-section';
import { PLOTLY_BOOTSTRAP, readPlotlyLibrary } from './plotly';
import {
  checkMetricsTable,
  checkReproducibility,
  renderMetricsTable,
  renderReproducibility,
  renderTableOfContents,
  type MetricsTable,
  type Reproducibility,
} from './sections';
import { REPORT_CSS } from './styles';

export interface ReportSummary {
  title: string;
  subtitle?: string;
  /** Metrics of all models, built by the caller from the run records. */
  metricsTable?: MetricsTable;
}

export interface RenderReportOptions {
  /** Executed notebooks, in report order. */
  notebooks: NotebookEntry[];
  /** Run records, embedded as JSON so that a later `--verify` can compare against them. */
  runRecords?: object[];
  summary?: ReportSummary;
  reproducibility: Reproducibility;
  /** Open every code cell (default false: code is folded and can be opened per cell). */
  showCode?: boolean;
}

export interface RenderedReport {
  /** The complete, self-contained HTML document. */
  html: string;
  /** Numbered figures in the document. */
  figures: number;
  /** Numbered tables in the document, the metrics table included. */
  tables: number;
}

/**
 * Content security policy of the report page: a browser that opens the HTML loads nothing from
 * any URL (images only as data URIs, no connections), whatever the notebooks put in it. Inline
 * scripts are allowed for plotly.js and its bootstrap, and eval because plotly.js compiles some
 * functions at run time.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; " +
  "script-src 'unsafe-inline' 'unsafe-eval'; base-uri 'none'; form-action 'none'";

/** Opens or folds every code cell when the "Show all code" box changes; screen only. */
const CODE_TOGGLE_SCRIPT = `
document.getElementById('show-all-code').addEventListener('change', function (event) {
  var cells = document.querySelectorAll('details.cell-input');
  for (var i = 0; i < cells.length; i++) cells[i].open = event.target.checked;
});
`;

/** Id of the `<script type="application/json">` element that contains the run records. */
export const RUN_RECORDS_ELEMENT_ID = 'syngan-run-records';

/**
 * Renders executed notebooks into one self-contained HTML document: a title block, a table of
 * contents, the metrics summary, one section per notebook, and the reproducibility appendix.
 * Images are data URIs and plotly.js is inlined (once, only when a plotly figure exists), so the
 * page loads nothing from the network. The page sets `window.__syngan_ready = true` when every
 * chart is drawn. Throws a SynganError for an unreadable notebook or invalid summary fields.
 */
export function renderReport(options: RenderReportOptions): RenderedReport {
  if (!Array.isArray(options.notebooks)) {
    throw new SynganError('renderReport: notebooks is not an array.', { hint: 'Pass the executed notebooks as { path } entries, in report order.' });
  }
  checkReproducibility(options.reproducibility);
  if (options.summary?.metricsTable) checkMetricsTable(options.summary.metricsTable);

  const doc = new DocumentState();
  const md = createMarkdownRenderer();
  const title = options.summary?.title ?? 'syngan report';
  const runRecords = options.runRecords ?? [];

  let summaryHtml = '';
  if (options.summary?.metricsTable) {
    const heading = doc.addUnnumberedHeading(1, 'Summary of results', 'summary');
    const env: MarkdownEnv = { doc, headingShift: 0, notebookDir: process.cwd() };
    summaryHtml =
      `<section class="summary" id="summary-section">\n<h1 id="${heading.id}">${escapeHtml(heading.text)}</h1>\n` +
      renderMetricsTable(options.summary.metricsTable, md, env) +
      '</section>\n';
  }

  const notebookHtml = options.notebooks
    .map((entry, index) => renderNotebookSection(entry, index, md, doc, options.showCode ?? false))
    .join('');
  const appendixHtml = renderReproducibility(options.reproducibility, runRecords.length, doc);
  const tocHtml = renderTableOfContents(doc.headings);
  const hasCode = notebookHtml.includes('<details class="cell-input"');
  const codeToggle = hasCode
    ? '<p class="code-toggle"><label><input type="checkbox" id="show-all-code"> Show all code</label></p>\n'
    : '';

  const subtitle = options.summary?.subtitle ? `<p class="subtitle">${escapeHtml(options.summary.subtitle)}</p>\n` : '';
  const titleBlock =
    `<header class="title-block">\n<h1 class="report-title">${escapeHtml(title)}</h1>\n${subtitle}` +
    `<p class="generated">Generated ${escapeHtml(options.reproducibility.generatedAt)} from commit ` +
    `<code>${escapeHtml(options.reproducibility.gitCommit.slice(0, 12))}</code></p>\n</header>\n`;

  const scripts =
    doc.plotlyFigureCount > 0
      ? `<script id="plotly-js">${readPlotlyLibrary()}</script>\n<script>${PLOTLY_BOOTSTRAP}</script>\n`
      : '<script>window.__syngan_plot_errors = []; window.__syngan_ready = true;</script>\n';

  const html =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="generator" content="syngan">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${REPORT_CSS}</style>\n</head>\n<body>\n` +
    titleBlock +
    tocHtml +
    codeToggle +
    summaryHtml +
    `<main>\n${notebookHtml}</main>\n` +
    appendixHtml +
    `<script type="application/json" id="${RUN_RECORDS_ELEMENT_ID}">${jsonForScript(runRecords)}</script>\n` +
    (hasCode ? `<script>${CODE_TOGGLE_SCRIPT}</script>\n` : '') +
    scripts +
    '</body>\n</html>\n';

  return { html, figures: doc.figureCount, tables: doc.tableCount };
}

/** Reads the run records embedded by `renderReport` back from a report's HTML. */
export function readEmbeddedRunRecords(html: string): object[] {
  const match = new RegExp(`<script type="application/json" id="${RUN_RECORDS_ELEMENT_ID}">([\\s\\S]*?)</script>`).exec(html);
  if (!match) {
    throw new SynganError('The report HTML has no embedded run records.', {
      hint: 'Regenerate the report with this version of syngan (npm run report).',
    });
  }
  return JSON.parse(match[1]) as object[];
}
