import { formatProgressLine, ProgressEvent, ProgressListener } from './progress';

/** A plotly figure: traces and layout, as plotly.js takes them. */
export interface PlotlyFigure {
  data: object[];
  layout?: object;
}

/** Options shared by the outputs that can carry a numbered caption in the report. */
export interface CaptionOptions {
  /** Caption shown under the figure or above the table in JupyterLab and in the report. */
  caption?: string;
}

/**
 * Rich output for notebooks. Inside the tslab kernel it sends Jupyter display messages (several
 * MIME types and metadata in one bundle); anywhere else (a plain Node.js script, a test) it
 * prints text, so library and notebook code can run outside Jupyter too.
 */
export interface NotebookDisplay {
  /** A PNG image. */
  png(bytes: Uint8Array, options?: CaptionOptions): void;
  /** An HTML fragment. */
  html(html: string, options?: CaptionOptions): void;
  markdown(text: string): void;
  text(text: string): void;
  /** A table; cells are escaped, numbers formatted with `digits` significant digits (default 4). */
  table(columns: string[], rows: (string | number | null)[][], options?: CaptionOptions & { digits?: number }): void;
  /** A plotly figure, interactive in JupyterLab and in the HTML report, with a text fallback. */
  plot(figure: PlotlyFigure, options?: CaptionOptions): void;
  /** A progress listener whose line updates in place. */
  progress(): ProgressListener;
}

/** Metadata key under which syngan puts output metadata such as captions. */
export const OUTPUT_METADATA_KEY = 'syngan';

type WriteDisplayData = (
  message: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

/** tslab's function that sends display_data; set while a tslab kernel runs a cell. */
function tslabWriter(): WriteDisplayData | undefined {
  try {
    // tslab 1.0.x keeps the current cell's sender in this module; its public `display` API sends
    // one MIME type without metadata, which cannot carry a caption or a fallback.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

let displayCounter = 0;

type DisplayMessage = Parameters<WriteDisplayData>[0];

/** Display messages waiting because the kernel's ZeroMQ socket was busy, oldest first. */
const pending: { writer: WriteDisplayData; message: DisplayMessage; update: boolean }[] = [];
let flushScheduled = false;

function isSocketBusy(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EBUSY' || /busy writing/.test(String((error as Error | undefined)?.message));
}

/**
 * Sends queued display messages in order. zeromq 6 throws EBUSY from a send while an earlier
 * send is still being written, which happens after many sends without returning to the event
 * loop. tslab does not queue its sends, so such a message is retried from the event loop instead
 * of failing the cell.
 */
function flushPending(): void {
  flushScheduled = false;
  while (pending.length > 0) {
    const { writer, message, update } = pending[0];
    try {
      writer(message, update);
    } catch (error) {
      if (!isSocketBusy(error)) throw error;
      scheduleFlush();
      return;
    }
    pending.shift();
  }
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(flushPending, 5);
}

function writeOrQueue(writer: WriteDisplayData, message: DisplayMessage, update: boolean): void {
  if (pending.length === 0) {
    try {
      writer(message, update);
      return;
    } catch (error) {
      if (!isSocketBusy(error)) throw error;
    }
  }
  pending.push({ writer, message, update });
  scheduleFlush();
}

function newDisplayId(): string {
  displayCounter += 1;
  return `syngan-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Formats a table cell: numbers with `digits` significant digits, null as an en dash. */
export function formatCell(value: string | number | null, digits = 4): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

/** Renders a table as HTML with escaped cells. */
export function tableHtml(columns: string[], rows: (string | number | null)[][], digits = 4): string {
  const head = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(formatCell(cell, digits))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Renders a table as fixed-width text. */
export function tableText(columns: string[], rows: (string | number | null)[][], digits = 4): string {
  const cells = [columns, ...rows.map((row) => row.map((cell) => formatCell(cell, digits)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => (cell ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function captionMetadata(options?: CaptionOptions): Record<string, unknown> {
  return options?.caption ? { [OUTPUT_METADATA_KEY]: { caption: options.caption } } : {};
}

/**
 * Returns the display for the current environment: Jupyter display messages inside a tslab
 * kernel, console output elsewhere.
 */
export function notebookDisplay(): NotebookDisplay {
  const send = (data: Record<string, unknown>, metadata: Record<string, unknown> = {}, displayId?: string, update = false): boolean => {
    const writer = tslabWriter();
    if (!writer) return false;
    writeOrQueue(writer, { data, metadata, transient: displayId ? { display_id: displayId } : {} }, update);
    return true;
  };

  return {
    png(bytes, options) {
      const sent = send({ 'image/png': Buffer.from(bytes).toString('base64'), 'text/plain': options?.caption ?? '<PNG image>' }, captionMetadata(options));
      if (!sent) console.log(`[image ${bytes.length} bytes]${options?.caption ? ` ${options.caption}` : ''}`);
    },
    html(html, options) {
      if (!send({ 'text/html': html, 'text/plain': options?.caption ?? html.replace(/<[^>]*>/g, '') }, captionMetadata(options))) {
        console.log(html.replace(/<[^>]*>/g, ''));
      }
    },
    markdown(text) {
      if (!send({ 'text/markdown': text, 'text/plain': text })) console.log(text);
    },
    text(text) {
      if (!send({ 'text/plain': text })) console.log(text);
    },
    table(columns, rows, options) {
      const text = tableText(columns, rows, options?.digits);
      const html = tableHtml(columns, rows, options?.digits);
      if (!send({ 'text/html': html, 'text/plain': text }, captionMetadata(options))) {
        console.log(options?.caption ? `${options.caption}\n${text}` : text);
      }
    },
    plot(figure, options) {
      const title = (figure.layout as { title?: { text?: string } | string } | undefined)?.title;
      const titleText = typeof title === 'string' ? title : title?.text;
      const fallback = `Plotly figure${titleText ? `: ${titleText}` : ''} (${figure.data.length} traces)`;
      if (!send({ 'application/vnd.plotly.v1+json': figure, 'text/plain': fallback }, captionMetadata(options))) {
        console.log(fallback);
      }
    },
    progress() {
      const displayId = newDisplayId();
      let first = true;
      return (event: ProgressEvent) => {
        const line = formatProgressLine(event);
        if (!send({ 'text/plain': line }, {}, displayId, !first)) {
          if (event.finished) console.log(line);
          return;
        }
        first = false;
      };
    },
  };
}
