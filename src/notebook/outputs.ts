import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output, StreamOutput } from './types';

/** Size limits for recorded outputs; larger outputs are truncated or replaced by a note. */
export interface OutputLimits {
  /** Maximum UTF-8 bytes of one stream output or one text MIME entry (default 1 MiB). */
  maxTextBytes: number;
  /** Maximum bytes of one image (decoded base64) or JSON MIME entry, e.g. a plotly figure (default 10 MiB). */
  maxDataBytes: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  maxTextBytes: 1024 * 1024,
  maxDataBytes: 10 * 1024 * 1024,
};

interface StreamState {
  /** Bytes received for this output, including bytes dropped by truncation. */
  receivedBytes: number;
  truncated: boolean;
}

type RichOutput = DisplayDataOutput | ExecuteResultOutput;

/**
 * Notebook-wide map from display_id to the outputs showing it, because update_display_data
 * replaces a display in every cell that shows it, as Jupyter frontends do.
 */
export class DisplayRegistry {
  private readonly displays = new Map<string, { outputs: Output[]; output: RichOutput }[]>();

  add(displayId: string, outputs: Output[], output: RichOutput): void {
    const entries = this.displays.get(displayId) ?? [];
    entries.push({ outputs, output });
    this.displays.set(displayId, entries);
  }

  /** Replaces data and metadata of every live output with this display_id; returns how many. */
  update(displayId: string, data: MimeBundle, metadata: Record<string, unknown>): number {
    const entries = (this.displays.get(displayId) ?? []).filter((entry) => entry.outputs.includes(entry.output));
    for (const { output } of entries) {
      output.data = data;
      output.metadata = metadata;
    }
    this.displays.set(displayId, entries);
    return entries.length;
  }
}

/**
 * Records one code cell's iopub messages as nbformat outputs the way Jupyter does. Consecutive
 * stream messages of the same name merge into one output. `clear_output` empties the cell, or
 * with `wait: true` does so when the next output arrives. `update_display_data` rewrites
 * earlier displays. Carriage returns in streams are applied (a progress bar redrawn with "\r"
 * keeps only its last state), as JupyterLab shows them.
 */
export class OutputRecorder {
  readonly outputs: Output[] = [];
  private clearPending = false;
  private readonly streamStates = new Map<StreamOutput, StreamState>();

  constructor(
    private readonly displays: DisplayRegistry,
    private readonly limits: OutputLimits = DEFAULT_OUTPUT_LIMITS,
  ) {}

  /**
   * Applies one iopub message (by msg_type and content) to the outputs. Returns the output
   * added or changed, or undefined for messages that are not outputs.
   */
  apply(msgType: string, content: Record<string, any>): Output | undefined {
    switch (msgType) {
      case 'stream':
        return this.addStream(content.name === 'stderr' ? 'stderr' : 'stdout', String(content.text ?? ''));
      case 'display_data':
      case 'execute_result':
        return this.addRich(msgType, content);
      case 'update_display_data':
        this.updateDisplay(content);
        return undefined;
      case 'error':
        return this.push({
          output_type: 'error',
          ename: String(content.ename ?? ''),
          evalue: String(content.evalue ?? ''),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
      case 'clear_output':
        if (content.wait) this.clearPending = true;
        else this.clear();
        return undefined;
      default:
        return undefined;
    }
  }

  /** Adds an output made by the runner itself, such as the error of a failed cell. */
  push(output: Output): Output {
    if (this.clearPending) this.clear();
    this.outputs.push(output);
    return output;
  }

  /**
   * Removes `text` from the end of the last output when that output is a stderr stream ending
   * with it, so an error moved into an `error` output is not shown twice. Returns true if removed.
   */
  removeTrailingStderr(text: string): boolean {
    const last = this.outputs[this.outputs.length - 1];
    if (!last || last.output_type !== 'stream' || last.name !== 'stderr' || !text) return false;
    const state = this.streamStates.get(last);
    if (state?.truncated || !last.text.endsWith(text)) return false;
    last.text = last.text.slice(0, last.text.length - text.length);
    if (last.text === '') this.outputs.pop();
    return true;
  }

  /** Appends the truncation notes and applies a trailing carriage return; call once at the end. */
  finish(): void {
    for (const [output, state] of this.streamStates) {
      if (output.text.endsWith('\r')) output.text = output.text.slice(0, -1);
      if (state.truncated) {
        output.text += truncationNote(state.receivedBytes, this.limits.maxTextBytes);
      }
    }
    this.streamStates.clear();
  }

  private clear(): void {
    this.clearPending = false;
    this.outputs.length = 0;
    this.streamStates.clear();
  }

  private addStream(name: 'stdout' | 'stderr', text: string): Output {
    if (this.clearPending) this.clear();
    const bytes = Buffer.byteLength(text, 'utf8');
    const last = this.outputs[this.outputs.length - 1];

    if (last && last.output_type === 'stream' && last.name === name) {
      const state = this.streamStates.get(last) ?? { receivedBytes: Buffer.byteLength(last.text, 'utf8'), truncated: false };
      this.streamStates.set(last, state);
      state.receivedBytes += bytes;
      if (!state.truncated) last.text = applyCarriageReturns(last.text, text);
      this.limitStream(last, state);
      return last;
    }

    const output: StreamOutput = { output_type: 'stream', name, text: applyCarriageReturns('', text) };
    const state = { receivedBytes: bytes, truncated: false };
    this.streamStates.set(output, state);
    this.limitStream(output, state);
    this.outputs.push(output);
    return output;
  }

  private limitStream(output: StreamOutput, state: StreamState): void {
    if (state.truncated || Buffer.byteLength(output.text, 'utf8') <= this.limits.maxTextBytes) return;
    output.text = truncateUtf8(output.text, this.limits.maxTextBytes);
    state.truncated = true;
  }

  private addRich(msgType: 'display_data' | 'execute_result', content: Record<string, any>): Output {
    const data = limitBundle(isObject(content.data) ? content.data : {}, this.limits);
    const metadata = isObject(content.metadata) ? content.metadata : {};
    const output: RichOutput =
      msgType === 'display_data'
        ? { output_type: 'display_data', data, metadata }
        : {
            output_type: 'execute_result',
            execution_count: typeof content.execution_count === 'number' ? content.execution_count : null,
            data,
            metadata,
          };
    this.push(output);

    const displayId = content.transient?.display_id;
    if (typeof displayId === 'string' && displayId) this.displays.add(displayId, this.outputs, output);
    return output;
  }

  private updateDisplay(content: Record<string, any>): void {
    const displayId = content.transient?.display_id;
    if (typeof displayId !== 'string' || !displayId) return;
    const data = limitBundle(isObject(content.data) ? content.data : {}, this.limits);
    this.displays.update(displayId, data, isObject(content.metadata) ? content.metadata : {});
  }
}

/**
 * Appends `text` to `previous` and applies carriage returns the way a terminal shows them.
 * A "\r" moves to the start of the line, so the later text replaces the line, and "\r\n" is a
 * newline. Only the last, unfinished line of `previous` can change.
 */
export function applyCarriageReturns(previous: string, text: string): string {
  if (!text.includes('\r') && !previous.endsWith('\r')) return previous + text;
  const lineStart = previous.lastIndexOf('\n') + 1;
  const tail = previous.slice(lineStart) + text;
  const lines = tail.split('\n');
  const folded = lines.map((line, index) => {
    const isLastLine = index === lines.length - 1;
    let content = line;
    if (!isLastLine && content.endsWith('\r')) content = content.slice(0, -1);
    // An unfinished line ending in "\r" keeps its text until something overwrites it.
    const pendingReturn = isLastLine && content.endsWith('\r');
    if (pendingReturn) content = content.slice(0, -1);
    content = content.slice(content.lastIndexOf('\r') + 1);
    return pendingReturn ? `${content}\r` : content;
  });
  return previous.slice(0, lineStart) + folded.join('\n');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

function truncationNote(receivedBytes: number, keptBytes: number): string {
  return `\n[syngan: output truncated: ${formatBytes(receivedBytes)} in total, only the first ${formatBytes(keptBytes)} are kept]\n`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * Applies the limits to a MIME bundle: `text/plain` longer than `maxTextBytes` is truncated
 * with a note; other text entries (HTML, SVG, markdown) over that limit, and images or JSON
 * over `maxDataBytes`, are removed because a cut copy would not render, and a note in
 * `text/plain` names what was removed.
 */
export function limitBundle(data: MimeBundle, limits: OutputLimits): MimeBundle {
  const out: MimeBundle = {};
  const notes: string[] = [];
  for (const [mime, value] of Object.entries(data)) {
    const isJson = mime === 'application/json' || mime.endsWith('+json') || typeof value !== 'string';
    const isImage = mime.startsWith('image/') && mime !== 'image/svg+xml';
    let bytes: number;
    if (isJson) bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    else if (isImage) bytes = Math.floor(((value as string).replace(/\s/g, '').length * 3) / 4);
    else bytes = Buffer.byteLength(value as string, 'utf8');

    const limit = isJson || isImage ? limits.maxDataBytes : limits.maxTextBytes;
    if (bytes <= limit) {
      out[mime] = value;
    } else if (mime === 'text/plain') {
      out[mime] = truncateUtf8(value as string, limit) + truncationNote(bytes, limit);
    } else {
      notes.push(`[syngan: ${mime} output of ${formatBytes(bytes)} removed: larger than the ${formatBytes(limit)} limit]`);
    }
  }
  if (notes.length > 0) {
    const plain = typeof out['text/plain'] === 'string' ? `${out['text/plain']}\n` : '';
    out['text/plain'] = plain + notes.join('\n');
  }
  return out;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
