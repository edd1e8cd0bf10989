import fs from 'node:fs';
import path from 'node:path';

import { SynganError } from '../core/errors';
import { readNpy } from '../data/npy';

/**
 * A matrix of feature vectors, one row per sample, stored row-major: element (i, j) is
 * `data[i * cols + j]`.
 */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** Builds a float64 feature matrix from an array of equal-length rows. */
export function featureMatrixFromRows(rows: readonly (readonly number[])[]): FeatureMatrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new SynganError(`row ${i} has ${row.length} values but row 0 has ${cols}`, { hint: 'every row needs the same length' });
    }
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

/**
 * Throws a SynganError unless `matrix` is a non-empty, consistent matrix of finite values.
 * `name` (for example "real features") is used in the message, which also names the first bad row.
 */
export function validateFeatureMatrix(matrix: FeatureMatrix, name: string): void {
  const { rows, cols, data } = matrix;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new SynganError(`${name}: invalid shape [${rows}, ${cols}]`, { hint: 'rows and cols must be non-negative integers' });
  }
  if (rows === 0 || cols === 0) {
    throw new SynganError(`${name}: the matrix is empty (shape [${rows}, ${cols}])`,
      { hint: 'pass at least one sample with at least one feature' });
  }
  if (data.length !== rows * cols) {
    throw new SynganError(`${name}: data has ${data.length} values but shape [${rows}, ${cols}] needs ${rows * cols}`,
      { hint: 'the data must be row-major with rows × cols values' });
  }
  for (let i = 0; i < data.length; i += 1) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / cols);
      throw new SynganError(`${name}: row ${row}, column ${i - row * cols} is ${data[i]}`,
        { hint: 'features must be finite numbers; check the extractor output for NaN or infinite values' });
    }
  }
}

/** Throws a SynganError unless both matrices have the same number of columns. */
export function assertSameDims(a: FeatureMatrix, b: FeatureMatrix, nameA: string, nameB: string): void {
  if (a.cols !== b.cols) {
    throw new SynganError(`feature dimensions differ: ${nameA} have ${a.cols} columns, ${nameB} have ${b.cols}`,
      { hint: 'compute both feature sets with the same extractor' });
  }
}

/** Returns the matrix data as a Float64Array, copying only when it is float32. */
export function toFloat64(matrix: FeatureMatrix): Float64Array {
  return matrix.data instanceof Float64Array ? matrix.data : Float64Array.from(matrix.data);
}

/** Parses the JSON layout `{"shape": [n, d], "data": [row-major numbers]}`; `source` names it in errors. */
export function parseFeatureMatrixJson(text: string, source: string): FeatureMatrix {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SynganError(`${source}: invalid JSON (${(error as Error).message})`,
      { hint: 'a feature matrix in JSON is {"shape": [n, d], "data": [n × d numbers]}', cause: error });
  }
  const object = parsed as { shape?: unknown; data?: unknown };
  const shape = object?.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
    throw new SynganError(`${source}: field "shape" must be [rows, cols], got ${JSON.stringify(shape)}`,
      { hint: 'a feature matrix in JSON is {"shape": [n, d], "data": [n × d numbers]}' });
  }
  if (!Array.isArray(object.data)) {
    throw new SynganError(`${source}: field "data" must be an array of numbers`,
      { hint: 'a feature matrix in JSON is {"shape": [n, d], "data": [n × d numbers]}' });
  }
  const [rows, cols] = shape as [number, number];
  const values = object.data as unknown[];
  if (values.length !== rows * cols) {
    throw new SynganError(`${source}: "data" has ${values.length} values but "shape" [${rows}, ${cols}] needs ${rows * cols}`,
      { hint: 'write the data row-major, rows × cols values' });
  }
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (typeof value !== 'number') {
      const row = Math.floor(i / Math.max(cols, 1));
      throw new SynganError(`${source}: row ${row}, column ${i - row * cols} is ${JSON.stringify(value)}, not a number`,
        { hint: 'JSON has no NaN or Infinity; features must be finite numbers' });
    }
    data[i] = value;
  }
  return { rows, cols, data };
}

/** True when `file` names a feature matrix syngan can read: `.json`, or `.npy` holding a 2-d float array. */
export function isFeatureMatrixFile(file: string): boolean {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return true;
  if (extension !== '.npy' || !fs.existsSync(file) || !fs.statSync(file).isFile()) return false;
  const header = readNpyHeaderText(file);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) return false;
  const dims = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return (descr === '<f4' || descr === '<f8') && dims.length === 2;
}

function readNpyHeaderText(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a feature matrix from a `.json` file (`{"shape": [n, d], "data": [...]}`, read as
 * float64) or a `.npy` file holding a 2-d float32 or float64 array (kept in its dtype).
 * Does not check values: call `validateFeatureMatrix` for that.
 */
export function readFeatureMatrix(file: string): FeatureMatrix {
  if (!fs.existsSync(file)) throw new SynganError(`${file}: file not found`, { hint: 'check the path' });
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return parseFeatureMatrixJson(fs.readFileSync(file, 'utf8'), file);
  if (extension !== '.npy') {
    throw new SynganError(`${file}: not a feature matrix file (expected .npy or .json)`,
      { hint: 'save features with numpy.save as a 2-d float array, or as JSON {"shape": [n, d], "data": [...]}' });
  }
  const array = readNpy(file);
  if (array.shape.length !== 2) {
    throw new SynganError(`${file}: NPY array has shape (${array.shape.join(', ')}), but a feature matrix is 2-d (samples, features)`,
      { hint: 'pass features of shape (n, d); image arrays need a feature extractor' });
  }
  if (!(array.data instanceof Float32Array || array.data instanceof Float64Array)) {
    throw new SynganError(`${file}: NPY dtype ${array.dtype} is not a float type`,
      { hint: 'save features as float32 or float64 (numpy: x.astype(np.float32))' });
  }
  return { rows: array.shape[0], cols: array.shape[1], data: array.data };
}
