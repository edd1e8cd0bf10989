import path from 'node:path';

import type MarkdownIt from 'markdown-it';

import type { DocumentState } from './document';
import { escapeHtml } from './escape';
import type { MarkdownEnv } from './markdown';
import { isObject, joinMultiline, readNotebook, type NotebookCell } from './nbformat';
import { renderCellOutputs } from './outputs';
import { formatDuration } from './sections';

/** One executed notebook to include in the report, with what its execution recorded. */
export interface NotebookEntry {
  /** Path of the executed `.ipynb` file. */
  path: string;
  /** Section title. When set, the notebook's own headings move one level down under it. */
  title?: string;
  /** Wall time of the notebook's execution in milliseconds. */
  elapsedMs?: number;
  /** False when execution stopped at a failing cell. */
  ok?: boolean;
  /** The failing cell: its 1-based index in the notebook, or its cell id. */
  failedCell?: number | string;
}

/**
 * Cell tags (as in Jupyter Book) that remove parts of a cell from the report: `remove-cell`,
 * `remove-input` (code is not included even when code is shown) and `remove-output`.
 */
const REMOVE_CELL = 'remove-cell';
const REMOVE_INPUT = 'remove-input';
const REMOVE_OUTPUT = 'remove-output';

/** Renders one executed notebook as a `<section>` of the report. */
export function renderNotebookSection(
  entry: NotebookEntry,
  index: number,
  md: MarkdownIt,
  doc: DocumentState,
  showCode: boolean,
): string {
  const notebook = readNotebook(entry.path);
  const notebookDir = path.dirname(path.resolve(entry.path));
  const headingShift = entry.title ? 1 : 0;

  let html = `<section class="notebook" id="notebook-${index + 1}">\n`;
  if (entry.title) {
    const heading = doc.addHeading(1, entry.title);
    html += `<h1 id="${escapeHtml(heading.id)}"><span class="section-number">${heading.sectionNumber}</span> ${escapeHtml(entry.title)}</h1>\n`;
  }

  const meta = [`Notebook <code>${escapeHtml(path.basename(entry.path))}</code>`];
  if (entry.elapsedMs !== undefined) meta.push(`executed in ${escapeHtml(formatDuration(entry.elapsedMs))}`);
  html += `<p class="notebook-meta">${meta.join(', ')}.</p>\n`;

  if (entry.ok === false) {
    const where = entry.failedCell === undefined ? '' : ` at cell ${escapeHtml(String(entry.failedCell))}`;
    html +=
      `<div class="notebook-failed" role="alert"><strong>Execution failed${where}.</strong> ` +
      'The error is shown below; cells after it did not run, so their outputs are missing.</div>\n';
  }

  notebook.cells.forEach((cell, cellIndex) => {
    const tags = cellTags(cell);
    if (tags.includes(REMOVE_CELL)) return;
    const env: MarkdownEnv = { doc, headingShift, notebookDir, attachments: isObject(cell.attachments) ? cell.attachments : undefined };

    if (cell.cell_type === 'markdown') {
      html += `<div class="markdown-cell">${md.render(joinMultiline(cell.source), env)}</div>\n`;
      return;
    }
    if (cell.cell_type !== 'code') return;

    const failed = entry.ok === false && (entry.failedCell === cellIndex + 1 || (entry.failedCell !== undefined && entry.failedCell === cell.id));
    html += `<div class="code-cell${failed ? ' cell-failed' : ''}">\n`;
    const source = joinMultiline(cell.source);
    if (source.trim() && !tags.includes(REMOVE_INPUT)) {
      html +=
        `<details class="cell-input"${showCode ? ' open' : ''}><summary>Code, cell ${cellIndex + 1}</summary>` +
        `<pre class="cell-source"><code>${escapeHtml(source)}</code></pre></details>\n`;
    }
    if (!tags.includes(REMOVE_OUTPUT)) html += renderCellOutputs(cell, md, env);
    html += '</div>\n';
  });

  html += '</section>\n';
  return html;
}

function cellTags(cell: NotebookCell): string[] {
  const tags = isObject(cell.metadata) ? cell.metadata.tags : undefined;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}
