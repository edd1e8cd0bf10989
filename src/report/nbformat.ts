import fs from 'node:fs';

import { SynganError } from '../core/errors';

/**
 * The parts of the Jupyter notebook format (nbformat 4) that the report reads. Multiline
 * strings may be stored either as one string or as an array of lines, as nbformat allows.
 */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type → content (text, base64 for binary types, or parsed JSON). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: 'display_data' | 'execute_result';
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type NotebookOutput = StreamOutput | DisplayDataOutput | ErrorOutput;

export interface NotebookCell {
  cell_type: 'markdown' | 'code' | 'raw';
  id?: string;
  source: MultilineString;
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
  /** Images pasted into a markdown cell, referenced as `attachment:NAME`. */
  attachments?: Record<string, MimeBundle>;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** Joins a multiline string into one string. */
export function joinMultiline(value: unknown): string {
  if (Array.isArray(value)) return value.map((line) => String(line)).join('');
  if (typeof value === 'string') return value;
  return '';
}

/**
 * Reads and checks a notebook file. Throws a SynganError naming the file (and the cell) when it
 * is not valid JSON or not an nbformat 4 notebook.
 */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SynganError(`Cannot read notebook ${file}: ${(error as Error).message}`, {
      hint: 'Execute the notebooks first (npm run report) or pass the path of an existing .ipynb file.',
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SynganError(`Notebook ${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Open it in JupyterLab to repair it, or execute the source notebook again.',
      cause: error,
    });
  }

  return checkNotebook(parsed, file);
}

/** Checks that `value` has the nbformat 4 structure the report needs; `file` names it in errors. */
export function checkNotebook(value: unknown, file: string): Notebook {
  const hint = 'The report reads nbformat 4 notebooks as Jupyter writes them; execute the notebook again.';
  if (!isObject(value)) {
    throw new SynganError(`Notebook ${file} is not a JSON object.`, { hint });
  }
  if (value.nbformat !== 4) {
    throw new SynganError(`Notebook ${file} has nbformat ${JSON.stringify(value.nbformat)}; expected 4.`, { hint });
  }
  if (!Array.isArray(value.cells)) {
    throw new SynganError(`Notebook ${file} has no "cells" array.`, { hint });
  }

  value.cells.forEach((cell: unknown, index: number) => {
    const where = `Notebook ${file}, cell ${index + 1}`;
    if (!isObject(cell)) throw new SynganError(`${where} is not a JSON object.`, { hint });
    if (cell.cell_type !== 'markdown' && cell.cell_type !== 'code' && cell.cell_type !== 'raw') {
      throw new SynganError(`${where} has an invalid cell_type ${JSON.stringify(cell.cell_type)}.`, { hint });
    }
    if (typeof cell.source !== 'string' && !Array.isArray(cell.source)) {
      throw new SynganError(`${where} has no "source" string.`, { hint });
    }
    if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) {
      throw new SynganError(`${where} has an "outputs" field that is not an array.`, { hint });
    }
    (cell.outputs ?? []).forEach((output: unknown, outputIndex: number) => {
      if (!isObject(output) || typeof output.output_type !== 'string') {
        throw new SynganError(`${where}, output ${outputIndex + 1} has no "output_type".`, { hint });
      }
    });
  });

  return {
    nbformat: 4,
    nbformat_minor: typeof value.nbformat_minor === 'number' ? value.nbformat_minor : 0,
    metadata: isObject(value.metadata) ? value.metadata : {},
    cells: value.cells as NotebookCell[],
  };
}

/** True for a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
