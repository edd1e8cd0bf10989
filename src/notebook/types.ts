// Minimal nbformat 4 types (https://nbformat.readthedocs.io/en/latest/format_description.html).
// In memory, multi-line fields (`source`, stream `text`, text MIME entries) are single strings;
// `writeNotebook` splits them into line arrays the way Jupyter saves them.

/** A MIME bundle: MIME type to data, for example `{ 'text/plain': '42', 'image/png': '<base64>' }`. */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags` marks, for example, the `parameters` cell. */
export interface CellMetadata {
  tags?: string[];
  execution?: Record<string, string>;
  [key: string]: unknown;
}

export interface CodeCell {
  id: string;
  cell_type: 'code';
  metadata: CellMetadata;
  source: string;
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell {
  id: string;
  cell_type: 'markdown';
  metadata: CellMetadata;
  source: string;
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell {
  id: string;
  cell_type: 'raw';
  metadata: CellMetadata;
  source: string;
  attachments?: Record<string, MimeBundle>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface KernelSpec {
  name: string;
  display_name: string;
  language?: string;
  [key: string]: unknown;
}

export interface LanguageInfo {
  name: string;
  version?: string;
  mimetype?: string;
  file_extension?: string;
  [key: string]: unknown;
}

export interface NotebookMetadata {
  kernelspec?: KernelSpec;
  language_info?: LanguageInfo;
  [key: string]: unknown;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}
