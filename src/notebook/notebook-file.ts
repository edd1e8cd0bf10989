import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

import { SynganError } from '../core/errors';
import { writeFileAtomic } from '../core/files';
import type { Cell, CellMetadata, MimeBundle, Notebook, Output } from './types';

/** Returns a new random cell id: 8 hex characters, as nbformat 4.5 generates them. */
export function newCellId(): string {
  return randomBytes(4).toString('hex');
}

const CELL_ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Reads an `.ipynb` file (nbformat 4) into memory. Multi-line fields become single strings,
 * and cells without a valid, unique id get a new one, so the result is nbformat 4.5.
 * Throws SynganError when the file is missing, not JSON, or not an nbformat 4 notebook.
 */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SynganError(`Cannot read notebook ${file}: ${(error as Error).message}`, {
      hint: 'Check the path; notebooks live in notebooks/ and end in .ipynb.',
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SynganError(`Notebook ${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Open it in JupyterLab to repair it, or restore it from git.',
      cause: error,
    });
  }
  return parseNotebook(json, file);
}

/** Converts parsed notebook JSON into the in-memory form that `readNotebook` returns. */
export function parseNotebook(json: unknown, file = '<notebook>'): Notebook {
  if (!isObject(json) || !Array.isArray(json.cells)) {
    throw new SynganError(`Notebook ${file} has no "cells" list`, { hint: 'Is this an .ipynb file?' });
  }
  if (json.nbformat !== 4) {
    throw new SynganError(`Notebook ${file} is nbformat ${String(json.nbformat)}, expected 4`, {
      hint: 'Convert it with `jupyter nbconvert --to notebook`, or save it again from JupyterLab.',
    });
  }

  const usedIds = new Set<string>();
  const cells = json.cells.map((raw: unknown, index: number) => parseCell(raw, index, file, usedIds));
  const metadata = isObject(json.metadata) ? { ...json.metadata } : {};
  return { nbformat: 4, nbformat_minor: 5, metadata, cells };
}

function parseCell(raw: unknown, index: number, file: string, usedIds: Set<string>): Cell {
  if (!isObject(raw)) {
    throw new SynganError(`Notebook ${file}: cell ${index} is not an object`, {
      hint: 'Open the notebook in JupyterLab to repair it.',
    });
  }

  let id = typeof raw.id === 'string' ? raw.id : '';
  if (!CELL_ID_PATTERN.test(id) || usedIds.has(id)) {
    do id = newCellId();
    while (usedIds.has(id));
  }
  usedIds.add(id);

  const metadata: CellMetadata = isObject(raw.metadata) ? { ...raw.metadata } : {};
  const source = joinLines(raw.source);

  switch (raw.cell_type) {
    case 'code':
      return {
        id,
        cell_type: 'code',
        metadata,
        source,
        execution_count: typeof raw.execution_count === 'number' ? raw.execution_count : null,
        outputs: Array.isArray(raw.outputs) ? raw.outputs.map(parseOutput) : [],
      };
    case 'markdown':
    case 'raw': {
      const cell: Cell = { id, cell_type: raw.cell_type, metadata, source };
      if (isObject(raw.attachments)) cell.attachments = raw.attachments as Record<string, MimeBundle>;
      return cell;
    }
    default:
      throw new SynganError(`Notebook ${file}: cell ${index} has unknown cell_type ${JSON.stringify(raw.cell_type)}`, {
        hint: 'Cells must be "code", "markdown" or "raw".',
      });
  }
}

function parseOutput(raw: unknown): Output {
  const output = (isObject(raw) ? { ...raw } : {}) as Record<string, unknown>;
  if (output.output_type === 'stream') {
    return { output_type: 'stream', name: output.name === 'stderr' ? 'stderr' : 'stdout', text: joinLines(output.text) };
  }
  if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
    const data = isObject(output.data) ? joinBundle(output.data) : {};
    const metadata = isObject(output.metadata) ? output.metadata : {};
    if (output.output_type === 'display_data') return { output_type: 'display_data', data, metadata };
    const count = typeof output.execution_count === 'number' ? output.execution_count : null;
    return { output_type: 'execute_result', execution_count: count, data, metadata };
  }
  return {
    output_type: 'error',
    ename: String(output.ename ?? ''),
    evalue: String(output.evalue ?? ''),
    traceback: Array.isArray(output.traceback) ? output.traceback.map(String) : [],
  };
}

/**
 * Writes a notebook as nbformat 4.5 JSON, atomically (temporary file, then rename), with
 * multi-line strings split into lines and one-space indentation as Jupyter saves them.
 */
export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(file, serializeNotebook(nb));
}

/** Returns the JSON text that `writeNotebook` writes. */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const saved: Record<string, unknown> = { ...cell, source: splitLines(cell.source) };
    if (cell.cell_type === 'code') saved.outputs = cell.outputs.map(serializeOutput);
    return saved;
  });
  const json = { cells, metadata: nb.metadata, nbformat: 4, nbformat_minor: 5 };
  return `${JSON.stringify(json, null, 1)}\n`;
}

function serializeOutput(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case 'stream':
      return { ...output, text: splitLines(output.text) };
    case 'display_data':
    case 'execute_result':
      return { ...output, data: splitBundle(output.data) };
    default:
      return { ...output };
  }
}

/** True for MIME types that Jupyter saves as line arrays: text types, not JSON or base64 data. */
function isLineSplitMime(mime: string): boolean {
  if (mime === 'application/json' || mime.endsWith('+json')) return false;
  return mime.startsWith('text/') || mime === 'application/javascript' || mime === 'image/svg+xml';
}

function splitBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = typeof value === 'string' && isLineSplitMime(mime) ? splitLines(value) : value;
  }
  return out;
}

function joinBundle(data: Record<string, unknown>): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = Array.isArray(value) && !(mime === 'application/json' || mime.endsWith('+json')) ? joinLines(value) : value;
  }
  return out;
}

/** Splits text into lines that keep their "\n", as nbformat stores multi-line strings. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

function joinLines(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join('');
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
