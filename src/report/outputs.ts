import type MarkdownIt from 'markdown-it';

import {
  CAPTION_MIME,
  captionFromOutputMetadata,
  captionsFromCellMetadata,
  isCaptionOnlyBundle,
  parseCaptionValue,
} from './captions';
import { applyCarriageReturns, escapeHtml, jsonForScript, stripAnsi } from './escape';
import { IMAGE_MIME_TYPES, imageDataUri } from './images';
import type { MarkdownEnv } from './markdown';
import { isObject, joinMultiline, type MimeBundle, type NotebookCell, type NotebookOutput } from './nbformat';
import { PLOTLY_MIME, preparePlotlyFigure } from './plotly';
import { containsTable, sanitizeTableHtml } from './sanitize';

/**
 * Maximum length of a text output shown in full, in characters. Longer text keeps its start and
 * end around a note. The notebook runner is expected to truncate huge outputs first, so this
 * only guards the page.
 */
export const MAX_TEXT_OUTPUT_CHARS = 200_000;

/** One rendered output before numbering: a figure, a table, other content, or a caption output. */
interface OutputBlock {
  kind: 'figure' | 'table' | 'other' | 'caption';
  html: string;
  caption: string | null;
}

/**
 * Renders the outputs of a code cell: streams and text as preformatted text, images as data
 * URIs, HTML tables sanitised, plotly figures as containers drawn by the page's plotly script,
 * errors with their traceback. Figures and tables are numbered through `env.doc` and captioned
 * by the convention described at `CAPTION_MIME`.
 */
export function renderCellOutputs(cell: NotebookCell, md: MarkdownIt, env: MarkdownEnv): string {
  const blocks = mergeStreams(cell.outputs ?? []).map((output) => renderOutput(output, md, env));
  assignCaptions(blocks, captionsFromCellMetadata(cell));

  let html = '';
  for (const block of blocks) {
    if (block.kind === 'figure') {
      env.doc.figureCount += 1;
      const number = env.doc.figureCount;
      html +=
        `<figure class="report-figure" id="figure-${number}">${block.html}` +
        `<figcaption>${captionHtml('Figure', number, block.caption, md, env)}</figcaption></figure>\n`;
    } else if (block.kind === 'table') {
      env.doc.tableCount += 1;
      const number = env.doc.tableCount;
      html +=
        `<figure class="${tableFigureClass(block.html)}" id="table-${number}">` +
        `<figcaption>${captionHtml('Table', number, block.caption, md, env)}</figcaption>` +
        `<div class="table-body">${block.html}</div></figure>\n`;
    } else if (block.kind === 'other') {
      html += `${block.html}\n`;
    }
  }
  return html;
}

/**
 * Tables with more rows than this may break across pages in print; shorter ones are kept on one
 * page like figures.
 */
const MAX_UNBROKEN_TABLE_ROWS = 25;

/** Returns the class of a table's `<figure>`: `report-table`, plus `long-table` for long tables. */
export function tableFigureClass(tableHtml: string): string {
  const rows = (tableHtml.match(/<tr[\s>]/g) ?? []).length;
  return rows > MAX_UNBROKEN_TABLE_ROWS ? 'report-table long-table' : 'report-table';
}

/** Renders `Figure 3. Caption` with the caption as inline markdown. */
export function captionHtml(label: string, number: number, caption: string | null, md: MarkdownIt, env: MarkdownEnv): string {
  const text = caption ? ` ${md.renderInline(caption, env)}` : '';
  return `<span class="caption-label">${label} ${number}.</span>${text}`;
}

/** Joins consecutive stream outputs of the same stream, as Jupyter front ends show them. */
function mergeStreams(outputs: NotebookOutput[]): NotebookOutput[] {
  const merged: NotebookOutput[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: joinMultiline(last.text) + joinMultiline(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

function renderOutput(output: NotebookOutput, md: MarkdownIt, env: MarkdownEnv): OutputBlock {
  switch (output.output_type) {
    case 'stream': {
      const name = output.name === 'stderr' ? 'stderr' : 'stdout';
      const text = truncateText(applyCarriageReturns(stripAnsi(joinMultiline(output.text))).replace(/\n+$/, ''));
      return { kind: 'other', html: `<pre class="output-stream ${name}">${escapeHtml(text)}</pre>`, caption: null };
    }
    case 'error':
      return { kind: 'other', html: renderError(output.ename, output.evalue, output.traceback), caption: null };
    case 'display_data':
    case 'execute_result':
      return renderBundle(isObject(output.data) ? output.data : {}, output.metadata, md, env);
    default:
      return {
        kind: 'other',
        html: `<p class="output-note">[output of type ${escapeHtml(String((output as { output_type: unknown }).output_type))} not shown]</p>`,
        caption: null,
      };
  }
}

function renderError(ename: unknown, evalue: unknown, traceback: unknown): string {
  const name = typeof ename === 'string' ? ename : '';
  const value = typeof evalue === 'string' ? evalue : '';
  const lines = Array.isArray(traceback) ? traceback.map((line) => String(line)) : [];
  const text = truncateText(stripAnsi(lines.length > 0 ? lines.join('\n') : `${name}: ${value}`));
  const title = ['Error', name, value].filter((part) => part).join(': ');
  return (
    `<div class="output-error" role="alert"><p class="error-title">${escapeHtml(stripAnsi(title))}</p>` +
    `<pre>${escapeHtml(text)}</pre></div>`
  );
}

function renderBundle(bundle: MimeBundle, metadata: unknown, md: MarkdownIt, env: MarkdownEnv): OutputBlock {
  if (isCaptionOnlyBundle(bundle)) {
    return { kind: 'caption', html: '', caption: parseCaptionValue(bundle[CAPTION_MIME]) };
  }
  const caption = captionFromOutputMetadata(metadata) ?? parseCaptionValue(bundle[CAPTION_MIME]);
  const image = firstImage(bundle, metadata);

  if (bundle[PLOTLY_MIME] !== undefined) {
    try {
      const figure = preparePlotlyFigure(bundle[PLOTLY_MIME]);
      env.doc.plotlyFigureCount += 1;
      const specId = `plotly-spec-${env.doc.plotlyFigureCount}`;
      const fallback = image
        ? image.replace('<img ', '<img class="plotly-fallback" ')
        : '<p class="plotly-fallback output-note">[interactive figure: needs JavaScript]</p>';
      const html =
        `<div class="plotly-figure" id="plotly-${env.doc.plotlyFigureCount}" data-spec="${specId}">${fallback}</div>` +
        `<script type="application/json" id="${specId}">${jsonForScript(figure)}</script>`;
      return { kind: 'figure', html, caption };
    } catch (error) {
      const note = `<p class="output-note">[plotly figure not drawn: ${escapeHtml((error as Error).message)}]</p>`;
      if (image) return { kind: 'figure', html: image + note, caption };
      return { kind: 'other', html: note, caption: null };
    }
  }

  if (image) return { kind: 'figure', html: image, caption };

  const html = bundle['text/html'];
  if (html !== undefined) {
    const source = joinMultiline(html);
    const clean = sanitizeTableHtml(source);
    if (containsTable(clean)) return { kind: 'table', html: clean, caption };
    return { kind: 'other', html: `<div class="output-html">${clean}</div>`, caption: null };
  }

  if (bundle['text/markdown'] !== undefined) {
    return { kind: 'other', html: `<div class="output-markdown">${md.render(joinMultiline(bundle['text/markdown']), env)}</div>`, caption: null };
  }
  if (bundle['text/latex'] !== undefined) {
    return { kind: 'other', html: `<pre class="output-latex">${escapeHtml(joinMultiline(bundle['text/latex']))}</pre>`, caption: null };
  }
  if (bundle['text/plain'] !== undefined) {
    const text = truncateText(stripAnsi(joinMultiline(bundle['text/plain'])));
    return { kind: 'other', html: `<pre class="output-text">${escapeHtml(text)}</pre>`, caption: null };
  }

  const types = Object.keys(bundle).filter((key) => key !== CAPTION_MIME);
  if (types.length === 0) return { kind: 'other', html: '', caption: null };
  return {
    kind: 'other',
    html: `<p class="output-note">[output of type ${escapeHtml(types.join(', '))} not shown]</p>`,
    caption: null,
  };
}

/** Shortens text longer than `MAX_TEXT_OUTPUT_CHARS` to its start and end with a note between. */
function truncateText(text: string): string {
  if (text.length <= MAX_TEXT_OUTPUT_CHARS) return text;
  const half = Math.floor(MAX_TEXT_OUTPUT_CHARS / 2);
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${omitted} characters omitted …]\n${text.slice(text.length - half)}`;
}

/** Returns an `<img>` for the first embeddable image in the bundle, or null. */
function firstImage(bundle: MimeBundle, metadata: unknown): string | null {
  for (const mime of IMAGE_MIME_TYPES) {
    if (bundle[mime] === undefined) continue;
    const uri = imageDataUri(mime, bundle[mime]);
    if (!uri) continue;
    const size = isObject(metadata) && isObject(metadata[mime]) ? metadata[mime] : {};
    const width = typeof size.width === 'number' && size.width > 0 ? ` width="${Math.round(size.width)}"` : '';
    const alt = escapeHtml(joinMultiline(bundle['text/plain']).slice(0, 200) || 'figure');
    return `<img src="${uri}"${width} alt="${alt}">`;
  }
  return null;
}

/**
 * Gives each caption output to the next figure or table of the cell that has no caption, or
 * else to the last earlier one without a caption. Then fills the remaining gaps from the cell
 * metadata captions, which are indexed by figure/table order in the cell.
 */
function assignCaptions(blocks: OutputBlock[], cellCaptions: string[]): void {
  const isNumbered = (block: OutputBlock) => block.kind === 'figure' || block.kind === 'table';

  blocks.forEach((block, index) => {
    if (block.kind !== 'caption' || !block.caption) return;
    let target = blocks.slice(index + 1).find((candidate) => isNumbered(candidate) && !candidate.caption);
    if (!target) {
      target = blocks
        .slice(0, index)
        .reverse()
        .find((candidate) => isNumbered(candidate) && !candidate.caption);
    }
    if (target) target.caption = block.caption;
  });

  blocks.filter(isNumbered).forEach((block, index) => {
    if (!block.caption && cellCaptions[index]) block.caption = cellCaptions[index];
  });
}
