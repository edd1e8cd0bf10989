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
  /**
   * Section title. When set, a first `# heading` with the same text is dropped, and the
   * notebook's top-level headings become subsections of the title.
   */
  title?: string;
  /** Wall time of the notebook's execution in milliseconds. */
  elapsedMs?: number;
  /** False when execution stopped at a failing cell. */
  ok?: boolean;
  /** The failing cell: its 1-based number among all cells of the notebook, or its cell id. */
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

  const cells = notebook.cells.filter((cell) => !cellTags(cell).includes(REMOVE_CELL));
  const firstSource = cells[0]?.cell_type === 'markdown' ? joinMultiline(cells[0].source) : '';
  const opensWithHeading = md.parse(firstSource, {})[0]?.type === 'heading_open';
  const failedCellNumber = findFailedCellNumber(entry, notebook.cells);

  // A leading `# Title` that repeats the given title is dropped. The notebook's top heading
  // level then becomes level 2 under a given title, else level 1.
  const sources = cells.map((cell, cellIndex) => {
    const source = joinMultiline(cell.source);
    return cellIndex === 0 && entry.title && cell.cell_type === 'markdown' ? removeRepeatedTitle(source, entry.title) : source;
  });
  const topLevel = topHeadingLevel(cells, sources, md);
  const headingShift = topLevel === undefined ? 0 : (entry.title ? 2 : 1) - topLevel;

  let html = `<section class="notebook" id="notebook-${index + 1}">\n`;
  if (entry.title) {
    const heading = doc.addHeading(1, entry.title);
    html += `<h1 id="${escapeHtml(heading.id)}"><span class="section-number">${heading.sectionNumber}</span> ${escapeHtml(entry.title)}</h1>\n`;
  }

  // The notebook's details go under its title: the given title, else the notebook's own first
  // heading, else the top of the section.
  const details = { html: renderNotebookDetails(entry, failedCellNumber) };
  if (entry.title || !opensWithHeading) {
    html += details.html;
    details.html = '';
  }

  cells.forEach((cell, cellIndex) => {
    const tags = cellTags(cell);
    const env: MarkdownEnv = {
      doc,
      headingShift,
      notebookDir,
      attachments: isObject(cell.attachments) ? cell.attachments : undefined,
      afterHeading: details,
    };

    if (cell.cell_type === 'markdown') {
      html += `<div class="markdown-cell">${md.render(sources[cellIndex], env)}</div>\n`;
      return;
    }
    if (cell.cell_type !== 'code') return;

    const cellNumber = notebook.cells.indexOf(cell) + 1;
    const failed = entry.ok === false && cellNumber === failedCellNumber;
    html += `<div class="code-cell${failed ? ' cell-failed' : ''}">\n`;
    const source = sources[cellIndex];
    if (source.trim() && !tags.includes(REMOVE_INPUT)) {
      html +=
        `<details class="cell-input"${showCode ? ' open' : ''}><summary>Code, cell ${cellNumber}</summary>` +
        `<pre class="cell-source"><code>${escapeHtml(source)}</code></pre></details>\n`;
    }
    if (!tags.includes(REMOVE_OUTPUT)) html += renderCellOutputs(cell, md, env);
    html += '</div>\n';
  });

  html += '</section>\n';
  return html;
}

/** Returns the smallest heading level in the markdown cells, or undefined when they have no heading. */
function topHeadingLevel(cells: NotebookCell[], sources: string[], md: MarkdownIt): number | undefined {
  let top: number | undefined;
  cells.forEach((cell, cellIndex) => {
    if (cell.cell_type !== 'markdown') return;
    for (const token of md.parse(sources[cellIndex], {})) {
      if (token.type !== 'heading_open') continue;
      const level = Number(token.tag.slice(1));
      if (top === undefined || level < top) top = level;
    }
  });
  return top;
}

/** Returns the 1-based number of the failing cell, or undefined when none is given or found. */
function findFailedCellNumber(entry: NotebookEntry, cells: NotebookCell[]): number | undefined {
  if (typeof entry.failedCell === 'number') return entry.failedCell;
  if (typeof entry.failedCell !== 'string') return undefined;
  const index = cells.findIndex((cell) => cell.id === entry.failedCell);
  return index < 0 ? undefined : index + 1;
}

/** Renders the line under the notebook's title: file name, run time, and a notice when execution failed. */
function renderNotebookDetails(entry: NotebookEntry, failedCellNumber: number | undefined): string {
  const meta = [`Notebook <code>${escapeHtml(path.basename(entry.path))}</code>`];
  if (entry.elapsedMs !== undefined) meta.push(`executed in ${escapeHtml(formatDuration(entry.elapsedMs))}`);
  let html = `<p class="notebook-meta">${meta.join(', ')}.</p>\n`;

  if (entry.ok === false) {
    const where = failedCellNumber === undefined ? '' : ` at cell ${failedCellNumber}`;
    html +=
      `<div class="notebook-failed" role="alert"><strong>Execution failed${where}.</strong> ` +
      'The error is shown below; cells after it did not run, so their outputs are missing.</div>\n';
  }
  return html;
}

/** Drops a leading `# Title` line that repeats the section title given by the caller. */
function removeRepeatedTitle(source: string, title: string): string {
  const match = /^\s*#\s+(.*?)\s*#*\s*(\n|$)/.exec(source);
  if (!match || match[1].trim().toLowerCase() !== title.trim().toLowerCase()) return source;
  return source.slice(match[0].length);
}

function cellTags(cell: NotebookCell): string[] {
  const tags = isObject(cell.metadata) ? cell.metadata.tags : undefined;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}
